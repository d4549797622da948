"""A schema-only Terraform provider, served offline through PyPI `tf`.

The real `ovh/ovh`, `hashicorp/helm` and `goharbor/harbor` providers live on a registry
this project cannot reach in its tests. This module builds a provider from a declared
schema (see ovh.py, helm.py, harbor.py) so `terraform init/validate/test` can check our
configuration against the attribute names, types and required/optional/computed flags
of the real ones. It never talks to an API: a plan marks computed values unknown, and
apply is refused.

It is only as complete as what is declared: a resource or argument missing here fails
validation even if the real provider has it, and provider-side checks (allowed values,
conflicts between arguments) are not reproduced.

Attribute specs are short strings: "<type> <flags>", where type is string, number, bool,
list(T), set(T), map(T) or object{a:T,b:T}, and flags are any of required, optional,
computed, sensitive. Blocks are dicts (repeatable, list nesting). Data sources are declared
the same way; reading one (only when its arguments are known at plan time) is refused like
apply, so plans that depend on one see its computed attributes as unknown.
"""

from __future__ import annotations

import json
import re
from typing import Any

from tf import schema, types
from tf.blocks import SetNestedBlock
from tf.gen import tfplugin_pb2 as pb
from tf.iface import (
    CreateContext,
    DataSource,
    DeleteContext,
    ReadContext,
    ReadDataContext,
    Resource,
    UpdateContext,
)
from tf.schema import Attribute, Block, Schema
from tf.utils import Diagnostics


class _Cty(types.TfType):
    """Any cty type by its JSON form (tf ships only the primitive ones and list/set/map)."""

    def __init__(self, cty: Any):
        self.cty = cty

    def encode(self, value: Any) -> Any:
        return value

    def decode(self, value: Any) -> Any:
        return value

    def tf_type(self) -> bytes:
        return json.dumps(self.cty).encode()


def _parse_type(text: str) -> Any:
    """'list(map(string))' -> ["list", ["map", "string"]] (cty JSON)."""
    text = text.strip()
    if text in ("string", "number", "bool"):
        return text
    match = re.fullmatch(r"(list|set|map)\((.*)\)", text)
    if match:
        return [match.group(1), _parse_type(match.group(2))]
    match = re.fullmatch(r"object\{(.*)\}", text)
    if match:
        fields, depth, current = {}, 0, ""
        for char in match.group(1) + ",":
            if char == "," and depth == 0:
                if current.strip():
                    name, _, kind = current.partition(":")
                    fields[name.strip()] = _parse_type(kind)
                current = ""
                continue
            depth += char in "({"
            depth -= char in ")}"
            current += char
        return ["object", fields]
    raise ValueError(f"unknown type {text!r}")


def attribute(name: str, spec: str) -> Attribute:
    kind, *flags = spec.split()
    unknown = set(flags) - {"required", "optional", "computed", "sensitive"}
    if unknown or not ({"required", "optional", "computed"} & set(flags)):
        raise ValueError(f"{name}: bad flags in {spec!r}")
    return Attribute(
        name,
        _Cty(_parse_type(kind)),
        required="required" in flags,
        optional="optional" in flags,
        computed="computed" in flags,
        sensitive="sensitive" in flags,
    )


class ListNestedBlock(SetNestedBlock):
    """A repeatable block kept in order, as SDKv2 providers declare most blocks (TypeList).

    tf only offers set and single nesting; a set of blocks holding unknown values has an
    unknown length at plan time, where the real providers' lists do not."""

    def to_pb(self):
        message = super().to_pb()
        message.nesting = pb.Schema.NestedBlock.NestingMode.LIST
        return message


def block(spec: dict) -> Block:
    attrs = [attribute(n, s) for n, s in spec.items() if isinstance(s, str)]
    nested = [ListNestedBlock(n, block(s)) for n, s in spec.items() if isinstance(s, dict)]
    return Block(attributes=attrs, block_types=nested)


def make_schema(spec: dict) -> Schema:
    built = block(spec)
    return Schema(version=0, attributes=built.attributes, block_types=built.block_types)


def resource_class(type_name: str, spec: dict) -> type:
    """A resource that plans (computed values unknown) and refuses to apply."""
    spec = {"id": "string computed", **spec}
    resource_schema = make_schema(spec)

    def refuse(self, ctx, *args):
        ctx.diagnostics.add_error(
            "Offline schema provider",
            f"{type_name} cannot be applied: this provider only mirrors the schema for tests.",
        )

    def read(self, ctx: ReadContext, current):
        return current

    def delete(self, ctx: DeleteContext, current):
        return None

    return type(
        type_name,
        (Resource,),
        {
            "get_name": classmethod(lambda cls: type_name),
            "get_schema": classmethod(lambda cls: resource_schema),
            "__init__": lambda self, provider=None: None,
            "create": lambda self, ctx, planned: refuse(self, ctx),
            "update": lambda self, ctx, current, planned: refuse(self, ctx),
            "read": read,
            "delete": delete,
        },
    )


def data_source_class(type_name: str, spec: dict) -> type:
    """A data source with the declared schema; reading it is refused (no API here)."""
    spec = {"id": "string computed", **spec}
    data_schema = make_schema(spec)

    def read(self, ctx: ReadDataContext, config):
        ctx.diagnostics.add_error(
            "Offline schema provider",
            f"data.{type_name} cannot be read: this provider only mirrors the schema for tests.",
        )

    return type(
        type_name,
        (DataSource,),
        {
            "get_name": classmethod(lambda cls: type_name),
            "get_schema": classmethod(lambda cls: data_schema),
            "__init__": lambda self, provider=None: None,
            "read": read,
        },
    )


class SchemaProvider:
    """tf's Provider protocol, filled from a declarative spec."""

    def __init__(
        self,
        full_name: str,
        provider_spec: dict,
        resources: dict,
        data_sources: dict | None = None,
    ):
        self._full_name = full_name
        self._provider_schema = make_schema(provider_spec)
        self._resources = [resource_class(name, spec) for name, spec in resources.items()]
        self._data_sources = [
            data_source_class(name, spec) for name, spec in (data_sources or {}).items()
        ]

    def get_model_prefix(self) -> str:
        # tf prepends this to each resource name; ours are declared in full.
        return ""

    def full_name(self) -> str:
        return self._full_name

    def get_provider_schema(self, diags: Diagnostics) -> schema.Schema:
        return self._provider_schema

    def validate_config(self, diags: Diagnostics, config: dict) -> None:
        return None

    def configure_provider(self, diags: Diagnostics, config: dict) -> None:
        return None

    def get_data_sources(self) -> list:
        return self._data_sources

    def get_resources(self) -> list:
        return self._resources

    def get_functions(self) -> list:
        return []

    def new_resource(self, klass):
        return klass(self)

    def new_data_source(self, klass):
        return klass(self)


__all__ = ["CreateContext", "SchemaProvider", "UpdateContext"]
