/**
 * deploy/k8s: rendered like `kubectl apply -k` would (src/k8s/render.ts, the subset of kustomize
 * the folder uses), every object validated against the Kubernetes OpenAPI schemas (the
 * kubernetes-models package: precompiled validators, offline), then the properties the design asks
 * for, checked one by one: hardening, probes, resources, secrets referenced not inlined, a
 * NetworkPolicy that lets only orders reach inventory, PodDisruptionBudgets, autoscaling/v2 HPAs.
 * (The schemas do not reject unknown fields; the checks below read every field that matters by
 * its exact name, so a misspelt one fails here.)
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT, read } from './support/repo';
import { type K8sObject, podSpec, renderKustomization } from './k8s/render';

const DIR = join(ROOT, 'deploy/k8s');
const PORTS = { auth: 3000, orders: 3001, inventory: 3002 } as const;
const APPS = Object.keys(PORTS) as (keyof typeof PORTS)[];
const SECRET_LOOKING = /(SECRET|PASSWORD|TOKEN|PRIVATE|ENCRYPTION_KEY|CREDENTIAL|DATABASE_URL)$/;

type Labels = Record<string, string>;
const matches = (selector: { matchLabels?: Labels; matchExpressions?: unknown[] } | undefined, labels: Labels) => {
  if (!selector) return false;
  if (selector.matchExpressions?.length) throw new Error('matchExpressions: not evaluated by this test');
  return Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
};

describe('deploy/k8s', () => {
  const objects = renderKustomization(DIR);
  const find = (kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);
  const of = (kind: string) => objects.filter((o) => o.kind === kind);
  const deployment = (app: string) => find('Deployment', app)!;
  const container = (app: string) => podSpec(deployment(app)).containers[0];

  it('renders the expected objects, all in the namespace service-trust', () => {
    const names = objects.map((o) => `${o.apiVersion} ${o.kind}/${o.metadata.name}`).sort();
    expect(names).toEqual(
      [
        'v1 Namespace/service-trust',
        'v1 ConfigMap/stack-config',
        ...APPS.flatMap((a) => [`apps/v1 Deployment/${a}`, `v1 Service/${a}`, `policy/v1 PodDisruptionBudget/${a}`]),
        'autoscaling/v2 HorizontalPodAutoscaler/orders',
        'autoscaling/v2 HorizontalPodAutoscaler/inventory',
        'networking.k8s.io/v1 NetworkPolicy/default-deny-ingress',
        'networking.k8s.io/v1 NetworkPolicy/auth-ingress',
        'networking.k8s.io/v1 NetworkPolicy/orders-ingress',
        'networking.k8s.io/v1 NetworkPolicy/inventory-only-from-orders',
      ].sort(),
    );
    for (const o of objects) if (o.kind !== 'Namespace') expect(o.metadata.namespace).toBe('service-trust');
    expect(find('Namespace', 'service-trust')!.metadata.labels!['pod-security.kubernetes.io/enforce']).toBe('restricted');
  });

  it('validates every object against the Kubernetes OpenAPI schemas (kubernetes-models)', () => {
    const result = spawnSync(process.execPath, [join(__dirname, 'k8s/validate.mjs')], {
      cwd: ROOT,
      input: JSON.stringify(objects),
      encoding: 'utf8',
      timeout: 30_000,
      env: { ...process.env, NODE_OPTIONS: '' },
    });
    expect(result.stderr).toBe('');
    const results = JSON.parse(result.stdout) as { name: string; errors: string[] }[];
    expect(results).toHaveLength(objects.length);
    expect(results.filter((r) => r.errors.length)).toEqual([]);
  });

  it('runs every container non-root on a read-only filesystem, no privilege escalation, no capabilities, RuntimeDefault seccomp', () => {
    for (const app of APPS) {
      const pod = podSpec(deployment(app));
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
      expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
      expect(pod.automountServiceAccountToken).toBe(false);
      expect(pod.hostNetwork ?? false).toBe(false);
      for (const c of pod.containers) {
        expect(c.securityContext).toEqual({
          runAsNonRoot: true,
          readOnlyRootFilesystem: true,
          allowPrivilegeEscalation: false,
          privileged: false,
          capabilities: { drop: ['ALL'] },
          seccompProfile: { type: 'RuntimeDefault' },
        });
        // A writable /tmp on the read-only filesystem, in memory and bounded.
        const tmp = c.volumeMounts.find((m: { mountPath: string }) => m.mountPath === '/tmp');
        expect(pod.volumes.find((v: { name: string }) => v.name === tmp.name).emptyDir).toEqual({ medium: 'Memory', sizeLimit: '16Mi' });
      }
    }
  });

  it('runs each app from the image with its command, port, probes and resources', () => {
    for (const app of APPS) {
      const c = container(app);
      expect(c.image).toBe('service-trust:local');
      expect(c.command).toEqual(['node', `apps/${app}/dist/main.js`]);
      expect(c.ports).toEqual([{ name: 'http', containerPort: PORTS[app], protocol: 'TCP' }]);
      expect(c.env.find((e: { name: string }) => e.name === 'PORT').value).toBe(String(PORTS[app]));
      expect(c.livenessProbe.httpGet).toEqual({ path: '/health/live', port: 'http' });
      expect(c.readinessProbe.httpGet).toEqual({ path: '/health/ready', port: 'http' });
      expect(c.startupProbe.httpGet).toEqual({ path: '/health/live', port: 'http' });
      for (const kind of ['requests', 'limits']) {
        expect(Object.keys(c.resources[kind]).sort()).toEqual(['cpu', 'memory']);
      }
      const d = deployment(app);
      expect(d.spec.replicas).toBeGreaterThanOrEqual(2);
      expect(d.spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': app });
      expect(matches(d.spec.selector, d.spec.template.metadata.labels)).toBe(true);
    }
  });

  it('exposes each app through a Service on its contract port', () => {
    for (const app of APPS) {
      const service = find('Service', app)!;
      expect(service.spec.type).toBe('ClusterIP');
      expect(service.spec.ports).toEqual([{ name: 'http', port: PORTS[app], targetPort: 'http', protocol: 'TCP' }]);
      expect(matches({ matchLabels: service.spec.selector }, deployment(app).spec.template.metadata.labels)).toBe(true);
    }
  });

  it('references secrets (mounted files, *_FILE variables) and commits none', () => {
    expect(of('Secret')).toEqual([]);
    for (const file of ['kustomization.yaml', 'auth.yaml', 'orders.yaml', 'inventory.yaml', 'config.yaml']) {
      expect(read(`deploy/k8s/${file}`)).not.toMatch(/secretGenerator|stringData|postgres(ql)?:\/\/[^\s]*@/);
    }
    for (const app of APPS) {
      const pod = podSpec(deployment(app));
      const c = container(app);
      const secretVolume = pod.volumes.find((v: { secret?: unknown }) => v.secret);
      expect(secretVolume.secret.secretName).toBe(`${app}-secrets`);
      const mount = c.volumeMounts.find((m: { name: string }) => m.name === secretVolume.name);
      expect(mount.readOnly).toBe(true);
      for (const env of c.env as { name: string; value?: string }[]) {
        expect(SECRET_LOOKING.test(env.name)).toBe(false);
        if (env.name.endsWith('_FILE')) expect(env.value!.startsWith(`${mount.mountPath}/`)).toBe(true);
      }
      expect(c.env.map((e: { name: string }) => e.name)).toContain('DATABASE_URL_FILE');
    }
    // The keys the deployments read are the ones docs/containers.md tells to create.
    const docs = read('docs/containers.md');
    for (const app of APPS) {
      expect(docs).toContain(`kubectl -n service-trust create secret generic ${app}-secrets`);
      for (const env of container(app).env as { name: string; value?: string }[]) {
        if (env.name.endsWith('_FILE')) expect(docs).toContain(`--from-file=${env.value!.split('/').pop()}=`);
      }
    }
  });

  it('gives every service the one issuer identity from one ConfigMap key', () => {
    for (const app of APPS) {
      const issuer = container(app).env.find((e: { name: string }) => e.name === 'AUTH_ISSUER');
      expect(issuer.valueFrom).toEqual({ configMapKeyRef: { name: 'stack-config', key: 'AUTH_ISSUER' } });
    }
    const data = find('ConfigMap', 'stack-config')!['data'];
    expect(data.AUTH_JWKS_URI).toBe('http://auth:3000/.well-known/jwks.json');
    expect(data.AUTH_TOKEN_URL).toBe('http://auth:3000/oauth/token');
    expect(data.INVENTORY_URL).toBe('http://inventory:3002');
  });

  describe('NetworkPolicy', () => {
    const policies = of('NetworkPolicy');
    type Peer = { labels: Labels; sameNamespace: boolean };
    /** Whether `from` may open a TCP connection to a pod labelled `to` on `port`, by the policies. */
    const allowed = (from: Peer, to: Labels, port: number) => {
      const selecting = policies.filter((p) => p['spec'].policyTypes.includes('Ingress') && matches(p['spec'].podSelector, to));
      if (!selecting.length) return true; // no policy isolates the pod
      return selecting.some((p) =>
        (p['spec'].ingress ?? []).some(
          (rule: { from?: { podSelector?: { matchLabels?: Labels }; namespaceSelector?: unknown; ipBlock?: unknown }[]; ports?: { port: number }[] }) => {
            const portOk = !rule.ports || rule.ports.some((q) => q.port === port);
            const fromOk =
              !rule.from ||
              rule.from.some((peer) => {
                if (peer.ipBlock || peer.namespaceSelector) throw new Error('ipBlock/namespaceSelector: not evaluated by this test');
                return from.sameNamespace && matches(peer.podSelector, from.labels);
              });
            return portOk && fromOk;
          },
        ),
      );
    };
    const pod = (app: string): Peer => ({ labels: deployment(app).spec.template.metadata.labels, sameNamespace: true });
    const stranger: Peer = { labels: { 'app.kubernetes.io/name': 'debug' }, sameNamespace: true };
    const outside: Peer = { labels: {}, sameNamespace: false };
    const inventory = () => pod('inventory').labels;

    it('isolates every pod by default', () => {
      const deny = find('NetworkPolicy', 'default-deny-ingress')!['spec'];
      expect(deny).toEqual({ podSelector: {}, policyTypes: ['Ingress'] });
    });

    it('lets orders reach inventory, and nothing else', () => {
      expect(allowed(pod('orders'), inventory(), 3002)).toBe(true);
      expect(allowed(pod('orders'), inventory(), 5432)).toBe(false);
      expect(allowed(pod('auth'), inventory(), 3002)).toBe(false);
      expect(allowed(pod('inventory'), inventory(), 3002)).toBe(false);
      expect(allowed(stranger, inventory(), 3002)).toBe(false);
      expect(allowed(outside, inventory(), 3002)).toBe(false);
    });

    it('lets everyone reach auth and orders on their ports only', () => {
      for (const from of [pod('orders'), pod('inventory'), stranger, outside]) {
        expect(allowed(from, pod('auth').labels, 3000)).toBe(true);
      }
      expect(allowed(outside, pod('orders').labels, 3001)).toBe(true);
      expect(allowed(outside, pod('orders').labels, 9229)).toBe(false);
      expect(allowed(outside, pod('auth').labels, 9229)).toBe(false);
    });
  });

  it('keeps a replica of every service through voluntary disruptions', () => {
    for (const app of APPS) {
      const pdb = find('PodDisruptionBudget', app)!['spec'];
      expect(matches(pdb.selector, deployment(app).spec.template.metadata.labels)).toBe(true);
      expect(pdb.minAvailable).toBeGreaterThanOrEqual(1);
      expect(pdb.minAvailable).toBeLessThan(deployment(app).spec.replicas); // a drain can still proceed
      for (const other of APPS.filter((a) => a !== app)) {
        expect(matches(pdb.selector, deployment(other).spec.template.metadata.labels)).toBe(false);
      }
    }
  });

  it('autoscales the business services (autoscaling/v2 on CPU, which they request)', () => {
    for (const app of ['orders', 'inventory']) {
      const hpa = find('HorizontalPodAutoscaler', app)! as K8sObject;
      expect(hpa.apiVersion).toBe('autoscaling/v2');
      expect(hpa['spec'].scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: app });
      expect(hpa['spec'].minReplicas).toBeGreaterThanOrEqual(2);
      expect(hpa['spec'].maxReplicas).toBeGreaterThan(hpa['spec'].minReplicas);
      expect(hpa['spec'].metrics).toEqual([{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }]);
      expect(container(app).resources.requests.cpu).toBeDefined();
    }
  });
});
