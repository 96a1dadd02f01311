import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type K8sObject = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> }; [key: string]: any };

interface Kustomization {
  apiVersion: string;
  kind: string;
  namespace?: string;
  labels?: { pairs: Record<string, string>; includeSelectors?: boolean; includeTemplates?: boolean }[];
  resources: string[];
  images?: { name: string; newName?: string; newTag?: string; digest?: string }[];
}

/** The fields this renderer implements; a kustomization using another must extend it first. */
const SUPPORTED = ['apiVersion', 'kind', 'namespace', 'labels', 'resources', 'images'];
const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition', 'PriorityClass', 'StorageClass']);

/**
 * A small `kustomize build` for the subset deploy/k8s uses: plain resource files (no bases,
 * no generators, no patches), namespace, labels (metadata only) and image overrides.
 */
export function renderKustomization(directory: string): K8sObject[] {
  const kustomization = parse(readFileSync(join(directory, 'kustomization.yaml'), 'utf8')) as Kustomization;
  const unsupported = Object.keys(kustomization).filter((key) => !SUPPORTED.includes(key));
  if (unsupported.length) throw new Error(`kustomization.yaml uses ${unsupported.join(', ')}: teach render.ts about it first`);
  if (kustomization.apiVersion !== 'kustomize.config.k8s.io/v1beta1' || kustomization.kind !== 'Kustomization') {
    throw new Error('kustomization.yaml: apiVersion/kind are not kustomize.config.k8s.io/v1beta1 Kustomization');
  }
  const objects: K8sObject[] = [];
  for (const resource of kustomization.resources) {
    if (dirname(resource) !== '.') throw new Error(`resource ${resource}: only files of this folder are supported`);
    for (const document of parseAllDocuments(readFileSync(join(directory, resource), 'utf8'))) {
      if (document.errors.length) throw new Error(`${resource}: ${document.errors[0]?.message}`);
      const object = document.toJS() as K8sObject | null;
      if (object) objects.push(object);
    }
  }
  for (const object of objects) {
    if (kustomization.namespace && !CLUSTER_SCOPED.has(object.kind)) object.metadata.namespace = kustomization.namespace;
    for (const label of kustomization.labels ?? []) {
      if (label.includeSelectors || label.includeTemplates) throw new Error('labels: includeSelectors/includeTemplates are not supported');
      object.metadata.labels = { ...object.metadata.labels, ...label.pairs };
    }
    for (const container of podSpec(object)?.containers ?? []) {
      const [name, tag] = splitImage(container.image);
      const override = kustomization.images?.find((i) => i.name === name);
      if (override) {
        container.image = `${override.newName ?? name}${override.digest ? `@${override.digest}` : `:${override.newTag ?? tag ?? 'latest'}`}`;
      }
    }
  }
  return objects;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function podSpec(object: K8sObject): any {
  return ['Deployment', 'StatefulSet', 'DaemonSet', 'Job'].includes(object.kind) ? object['spec']?.template?.spec : undefined;
}

function splitImage(image: string): [string, string | undefined] {
  const at = image.lastIndexOf(':');
  return at > image.lastIndexOf('/') ? [image.slice(0, at), image.slice(at + 1)] : [image, undefined];
}
