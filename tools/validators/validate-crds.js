#!/usr/bin/env node
// Validate custom resources (Argo CD, External Secrets, Prometheus Operator, cert-manager)
// against the JSON schemas generated from their CRDs by the kubernetes-models project.
//
// kubernetes-validate only knows built-in kinds; this script covers the CRD kinds the
// deployment uses. It reads YAML (files or stdin, multi-document) and prints one JSON line
// per document: {"apiVersion", "kind", "name", "status": "valid"|"invalid"|"unknown", "error"}.
// Exit code: 0 when every document is valid, 1 otherwise (an unknown kind is a failure).
//
// Limitation (upstream): the generated schemas reject wrong types and missing required
// fields, not misspelled extra keys.
//
// External Secrets' v1 models (the API the pinned operator serves; v1beta1 is deprecated)
// ship as ES modules only, so every model is loaded with import().
"use strict";

const fs = require("fs");
const yaml = require("js-yaml");

const MODELS = {
  "argoproj.io/v1alpha1": "@kubernetes-models/argo-cd/argoproj.io/v1alpha1",
  "external-secrets.io/v1": "@kubernetes-models/external-secrets/external-secrets.io/v1",
  "monitoring.coreos.com/v1": "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1",
  "cert-manager.io/v1": "@kubernetes-models/cert-manager/cert-manager.io/v1",
  "gateway.networking.k8s.io/v1": "@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1",
};

async function loadModels() {
  const loaded = {};
  for (const [apiVersion, module] of Object.entries(MODELS)) {
    loaded[apiVersion] = await import(module);
  }
  return loaded;
}

function readInputs(paths) {
  if (paths.length === 0) return [["-", fs.readFileSync(0, "utf8")]];
  return paths.map((p) => [p, fs.readFileSync(p, "utf8")]);
}

async function main() {
  const models = await loadModels();
  let failed = false;
  for (const [source, text] of readInputs(process.argv.slice(2))) {
    for (const doc of yaml.loadAll(text)) {
      if (!doc) continue;
      const result = {
        source,
        apiVersion: doc.apiVersion,
        kind: doc.kind,
        name: doc.metadata && doc.metadata.name,
      };
      const Model = (models[doc.apiVersion] || {})[doc.kind];
      if (!Model) {
        result.status = "unknown";
        failed = true;
      } else {
        try {
          new Model(doc).validate();
          result.status = "valid";
        } catch (err) {
          result.status = "invalid";
          result.error = err.message;
          failed = true;
        }
      }
      console.log(JSON.stringify(result));
    }
  }
  process.exit(failed ? 1 : 0);
}

main();
