// Validates Kubernetes objects against the Kubernetes OpenAPI schemas shipped (precompiled, offline)
// by the kubernetes-models package. ESM-only, hence a child process of the Jest test.
// stdin: JSON array of objects; stdout: JSON array of { name, errors } (errors empty = valid).
import { readFileSync } from 'node:fs';

const objects = JSON.parse(readFileSync(0, 'utf8'));
const results = [];
for (const object of objects) {
  const name = `${object.kind}/${object.metadata?.name}`;
  const [group, version] = object.apiVersion.includes('/') ? object.apiVersion.split('/') : [undefined, object.apiVersion];
  const path = `kubernetes-models/${group ? `${group}/` : ''}${version}/${object.kind}`;
  let Model;
  try {
    Model = (await import(path))[object.kind];
  } catch (error) {
    results.push({ name, errors: [`no schema for ${object.apiVersion} ${object.kind} (${error.message})`] });
    continue;
  }
  try {
    new Model(object).validate();
    results.push({ name, errors: [] });
  } catch (error) {
    results.push({ name, errors: [error.message] });
  }
}
process.stdout.write(JSON.stringify(results));
