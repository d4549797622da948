"""Members' bookings: hold a slot, confirm it, cancel it, see one's own."""

from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from common.auth.permissions import Requires
from domains.marketplace.models import Booking
from domains.marketplace.selectors import booking_list_for_member
from domains.marketplace.services.bookings import booking_cancel, booking_confirm, booking_hold


class BookingOutput(serializers.ModelSerializer):
    class Meta:
        model = Booking
        fields = (
            "id", "space_id", "member_id", "seat", "attendees", "starts_at", "ends_at",
            "status", "hold_expires_at", "confirmed_at", "cancelled_at", "cancellation",
            "cancellation_reason",
        )  # fmt: skip


class BookingHoldApi(APIView):
    permission_classes = [Requires("booking.create")]

    class BookingHoldInputSerializer(serializers.Serializer):
        space_id = serializers.UUIDField()
        starts_at = serializers.DateTimeField()
        ends_at = serializers.DateTimeField()
        attendees = serializers.IntegerField(min_value=1, max_value=10_000, default=1)

    @extend_schema(
        operation_id="marketplace_booking_hold",
        request=BookingHoldInputSerializer,
        responses={
            201: BookingOutput,
            409: OpenApiResponse(
                description="The slot is taken, or the space is not bookable now."
            ),
        },
    )
    def post(self, request):
        given = self.BookingHoldInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        booking = booking_hold(
            member_id=request.user.pk, now=timezone.now(), **given.validated_data
        )
        return Response(BookingOutput(booking).data, status=status.HTTP_201_CREATED)


class BookingConfirmApi(APIView):
    permission_classes = [Requires("booking.create")]

    @extend_schema(
        operation_id="marketplace_booking_confirm", request=None, responses={200: BookingOutput}
    )
    def post(self, request, booking_id):
        booking = booking_confirm(
            booking_id=booking_id, member_id=request.user.pk, now=timezone.now()
        )
        return Response(BookingOutput(booking).data)


class BookingCancelApi(APIView):
    permission_classes = [Requires("booking.create")]

    class BookingCancelInputSerializer(serializers.Serializer):
        reason = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")

    @extend_schema(
        operation_id="marketplace_booking_cancel",
        request=BookingCancelInputSerializer,
        responses={200: BookingOutput},
    )
    def post(self, request, booking_id):
        given = self.BookingCancelInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        booking = booking_cancel(
            booking_id=booking_id,
            member_id=request.user.pk,
            now=timezone.now(),
            **given.validated_data,
        )
        return Response(BookingOutput(booking).data)


@extend_schema_view(get=extend_schema(operation_id="marketplace_booking_mine_list"))
class MyBookingListApi(generics.ListAPIView):
    permission_classes = [Requires("booking.create")]
    serializer_class = BookingOutput

    def get_queryset(self):
        return booking_list_for_member(member_id=self.request.user.pk)
