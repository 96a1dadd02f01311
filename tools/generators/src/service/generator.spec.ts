import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { parse, parseAllDocuments } from 'yaml';
import { serviceGenerator } from './generator.ts';
import { WiringError } from './wiring/text-edits.ts';

const REPO = join(import.meta.dirname, '../../../..');

/** The real files the generator reads or edits, plus the manifests that make the existing projects. */
const SEEDED = [
  'package.json',
  'apps/auth/package.json',
  'apps/orders/package.json',
  'apps/inventory/package.json',
  'apps/auth/src/config/scopes.ts',
  'config/demo-identities.json',
  'tools/stack/services.ts',
  'eslint.config.mjs',
  'docker-compose.yml',
  'tools/compose/secrets.mjs',
  'deploy/compose/initdb/10-service-databases.sh',
  'Dockerfile',
  'deploy/k8s/kustomization.yaml',
];

const repoFile = (path: string) => readFileSync(join(REPO, path), 'utf8');

function seededTree(): Tree {
  const tree = createTreeWithEmptyWorkspace();
  for (const path of SEEDED) tree.write(path, repoFile(path));
  return tree;
}

const read = (tree: Tree, path: string) => tree.read(path, 'utf-8') ?? '';

describe('service generator (in-memory tree seeded with the repository files)', () => {
  let tree: Tree;

  beforeEach(() => {
    tree = seededTree();
  });

  describe('shipping, with the defaults', () => {
    beforeEach(async () => {
      await serviceGenerator(tree, { name: 'shipping' });
    });

    it('scaffolds apps/shipping modeled on inventory', () => {
      for (const file of [
        'package.json',
        'tsconfig.json',
        'tsconfig.app.json',
        'tsconfig.spec.json',
        'jest.config.ts',
        'eslint.config.mjs',
        'README.md',
        'src/main.ts',
        'src/app.module.ts',
        'src/config/shipping.config.ts',
        'src/config/config.module.ts',
        'src/config/shipping.config.spec.ts',
        'src/persistence/migrations/001_items.ts',
        'src/persistence/migrations/index.ts',
        'src/items/items.controller.ts',
        'src/items/item.repository.ts',
        'src/whoami/whoami.controller.ts',
        'src/health/health.controller.ts',
        'src/testing/shipping-test-app.ts',
        'test/shipping.spec.ts',
        'test/observability.spec.ts',
        'test/process.spec.ts',
      ]) {
        expect(tree.exists(`apps/shipping/${file}`)).toBe(true);
      }
      // service-kit's DatabaseModule replaced the per-app persistence module.
      expect(tree.exists('apps/shipping/src/persistence/persistence.module.ts')).toBe(false);
      const manifest = JSON.parse(read(tree, 'apps/shipping/package.json'));
      expect(manifest).toMatchObject({
        name: '@service-trust/shipping',
        scripts: { build: 'tsc -b tsconfig.app.json' },
        dependencies: { '@service-trust/auth-guard': '*', '@service-trust/service-kit': '*' },
        nx: { tags: ['scope:shipping', 'type:app'], targets: { test: { dependsOn: ['^build', 'build'] } } },
      });
      expect(read(tree, 'apps/shipping/jest.config.ts')).toContain("preset: '../../jest.preset.js'");
      expect(read(tree, 'apps/shipping/src/app.module.ts')).toContain("export const SHIPPING_AUDIENCE = 'shipping';");
      expect(read(tree, 'apps/shipping/src/config/shipping.config.ts')).toContain('businessServiceEnvironment(3003)');
      expect(read(tree, 'apps/shipping/src/items/items.controller.ts')).toMatch(/@Controller\('shipping\/items'\)[\s\S]*@RequireScopes\('shipping:read'\)/);
      expect(read(tree, 'apps/shipping/src/persistence/migrations/001_items.ts')).toContain('CREATE TABLE shipping.items');
      expect(read(tree, 'apps/shipping/src/persistence/migrations/index.ts')).toContain("SHIPPING_SCHEMA = 'shipping'");
      expect(read(tree, 'apps/shipping/test/shipping.spec.ts')).toContain("from '@service-trust/auth-guard/testing'");
      expect(read(tree, 'apps/shipping/test/process.spec.ts')).toContain("SERVICE_CLIENT_ID: 'shipping-service'");
      expect(read(tree, 'apps/shipping/src/config/shipping.config.spec.ts')).toContain('port: 3003,');
      // No template leftovers.
      for (const file of tree.listChanges().map((c) => c.path)) expect(read(tree, file)).not.toMatch(/<%|%>|__name__/);
    });

    it('builds the app as inventory does: DatabaseModule, observability, guard hooks, LOG_LEVEL, service-kit health and test app', () => {
      const appModule = read(tree, 'apps/shipping/src/app.module.ts');
      expect(appModule).toContain('DatabaseModule.forRoot({ url: config.databaseUrl, schema: SHIPPING_SCHEMA, migrations: SHIPPING_MIGRATIONS })');
      expect(appModule).toContain('ObservabilityModule.forRoot({ service: SHIPPING_AUDIENCE, description: DESCRIPTION, metrics })');
      expect(appModule).toContain('hooks: authGuardHooks(metrics)');
      expect(appModule).toContain('controllers: [ItemsController, WhoAmIController, HealthController]');
      expect(read(tree, 'apps/shipping/src/main.ts')).toContain('createServiceApp(AppModule.forRoot(config), { logger: loadLogLevel() })');
      expect(read(tree, 'apps/shipping/src/health/health.controller.ts')).toMatch(/@Public\(\)\s*@Controller\('health'\)\s*export class HealthController extends ServiceHealthController/);
      expect(read(tree, 'apps/shipping/src/items/items.controller.ts')).toMatch(/@ApiBearerProtected\('shipping:read'\)\s*@RequireScopes\('shipping:read'\)/);
      expect(read(tree, 'apps/shipping/src/whoami/whoami.controller.ts')).toContain('@ApiBearerProtected()');
      const testApp = read(tree, 'apps/shipping/src/testing/shipping-test-app.ts');
      expect(testApp).toContain('startTestApp(AppModule.forRoot(config), options)');
      expect(testApp).toContain("export { request } from '@service-trust/service-kit/testing';");
    });

    it('imports only what the libraries export and files it generates', () => {
      const exported = (lib: string) => repoFile(`libs/${lib}/index.ts`);
      const libraries: Record<string, string> = {
        '@service-trust/service-kit': exported('service-kit/src'),
        '@service-trust/service-kit/testing': exported('service-kit/src/testing'),
        '@service-trust/auth-guard': exported('auth-guard/src'),
        '@service-trust/auth-guard/testing': exported('auth-guard/src/testing'),
      };
      const sources = tree.listChanges().filter((c) => c.path.startsWith('apps/shipping/') && c.path.endsWith('.ts'));
      expect(sources.length).toBeGreaterThan(10);
      for (const { path } of sources) {
        for (const [, names, from] of read(tree, path).matchAll(/^(?:import|export) (?:type )?\{([^}]*)\} from '([^']+)';$/gm)) {
          if (from!.startsWith('.')) {
            const target = join(dirname(path), from!);
            expect([path, from, tree.exists(`${target}.ts`) || tree.exists(`${target}/index.ts`)]).toEqual([path, from, true]);
          } else if (from! in libraries) {
            for (const name of names!.split(',').map((n) => n.trim().replace(/^type /, '')).filter(Boolean)) {
              expect([path, from, name, new RegExp(`\\b${name}\\b`).test(libraries[from!]!)]).toEqual([path, from, name, true]);
            }
          }
        }
      }
    });

    it("adds the audience's scopes as the last entry of SCOPES_BY_AUDIENCE", () => {
      const scopes = read(tree, 'apps/auth/src/config/scopes.ts');
      expect(scopes).toContain("  auth: ['keys:rotate'],\n  shipping: ['shipping:read', 'shipping:write'],\n};");
      expect(scopes.replace("  shipping: ['shipping:read', 'shipping:write'],\n", '')).toBe(repoFile('apps/auth/src/config/scopes.ts'));
    });

    it('adds the demo client shipping-service with a fresh secret, leaving the rest of the file as it was', () => {
      const text = read(tree, 'config/demo-identities.json');
      const identities = JSON.parse(text);
      const original = JSON.parse(repoFile('config/demo-identities.json'));
      expect(identities.users).toEqual(original.users);
      expect(identities.clients.slice(0, -1)).toEqual(original.clients);
      expect(identities.clients.at(-1)).toEqual({
        client_id: 'shipping-service',
        client_secret: expect.stringMatching(/^demo-shipping-service-[A-Za-z0-9_-]{24}$/),
        audiences: ['shipping'],
        scopes: ['shipping:read'],
        may_exchange_for: [],
      });
      expect(text.startsWith(repoFile('config/demo-identities.json').replace(/\n {4}\}\n {2}\]\n\}\n$/, ''))).toBe(true);
    });

    it('adds a row to the npm start services with the next free port', () => {
      expect(read(tree, 'tools/stack/services.ts')).toContain(
        "  { name: 'shipping', portVariable: 'SHIPPING_PORT', defaultPort: 3003, clientId: 'shipping-service', required: false },\n];",
      );
    });

    it('adds the module-boundary constraint of scope:shipping', () => {
      expect(read(tree, 'eslint.config.mjs')).toContain(
        "            { sourceTag: 'scope:shipping', onlyDependOnLibsWithTags: ['scope:shipping', 'scope:shared'] },\n          ],",
      );
    });

    it('adds a compose service on the internal network only, with its secrets, and the file stays valid YAML', () => {
      const compose = parse(read(tree, 'docker-compose.yml'), { merge: true });
      const before = parse(repoFile('docker-compose.yml'), { merge: true });
      const shipping = compose.services.shipping;
      expect(shipping.command).toEqual(['node', 'apps/shipping/dist/main.js']);
      expect(shipping.networks).toEqual(['internal']);
      expect(shipping.ports).toBeUndefined();
      expect(shipping.read_only).toBe(true);
      expect(shipping.user).toBe('node');
      expect(shipping.healthcheck).toEqual(compose.services.inventory.healthcheck);
      expect(shipping.environment).toMatchObject({
        PORT: '3003',
        NODE_ENV: 'production',
        AUTH_ISSUER: '${AUTH_ISSUER:-http://localhost:3000}',
        SERVICE_CLIENT_ID: 'shipping-service',
        DATABASE_URL_FILE: '/run/secrets/shipping_database_url',
        SERVICE_CLIENT_SECRET_FILE: '/run/secrets/shipping_client_secret',
      });
      expect(shipping.secrets).toEqual(['shipping_database_url', 'shipping_client_secret']);
      expect(compose.services.postgres.secrets).toEqual([...before.services.postgres.secrets, 'shipping_db_password']);
      expect(compose.secrets).toEqual({
        ...before.secrets,
        shipping_db_password: { file: './.secrets/shipping-db-password' },
        shipping_database_url: { file: './.secrets/shipping-database-url' },
        shipping_client_secret: { file: './.secrets/shipping-client-secret' },
      });
      expect(Object.keys(compose).sort()).toEqual(Object.keys(before).sort());
    });

    it('lets compose:secrets write its secrets, initdb create its database, and the image build and ship it', () => {
      expect(read(tree, 'tools/compose/secrets.mjs')).toContain("export const SERVICES = ['auth', 'orders', 'inventory', 'shipping'];");
      expect(read(tree, 'tools/compose/secrets.mjs')).toContain("inventory: 'inventory-service', shipping: 'shipping-service' };");
      expect(read(tree, 'deploy/compose/initdb/10-service-databases.sh')).toContain('${SERVICE_DATABASES:-auth orders inventory shipping}');
      const dockerfile = read(tree, 'Dockerfile');
      expect(dockerfile).toContain('--projects=@service-trust/auth,@service-trust/orders,@service-trust/inventory,@service-trust/shipping ');
      expect(dockerfile).toContain('for dir in apps/auth apps/orders apps/inventory apps/shipping libs/*; do');
    });

    it('writes deploy/k8s/shipping.yaml and lists it in the kustomization before the network policies', () => {
      const docs = parseAllDocuments(read(tree, 'deploy/k8s/shipping.yaml')).map((d) => d.toJS());
      expect(docs.map((d) => `${d.kind}/${d.metadata.name}`)).toEqual(['Deployment/shipping', 'Service/shipping', 'NetworkPolicy/shipping-ingress']);
      const container = docs[0].spec.template.spec.containers[0];
      expect(container.command).toEqual(['node', 'apps/shipping/dist/main.js']);
      expect(container.ports).toEqual([{ name: 'http', containerPort: 3003, protocol: 'TCP' }]);
      expect(container.env).toContainEqual({ name: 'SERVICE_CLIENT_ID', value: 'shipping-service' });
      expect(docs[0].spec.template.spec.volumes[0].secret.secretName).toBe('shipping-secrets');
      expect(docs[1].spec.ports[0].port).toBe(3003);
      const resources = parse(read(tree, 'deploy/k8s/kustomization.yaml')).resources as string[];
      expect(resources.indexOf('shipping.yaml')).toBe(resources.indexOf('network-policies.yaml') - 1);
    });

    it('refuses to run twice for the same name', async () => {
      await expect(serviceGenerator(tree, { name: 'shipping' })).rejects.toThrow(/exists already/);
    });
  });

  it('refuses a directory outside apps/<folder>, which the npm workspaces would not cover', async () => {
    await expect(serviceGenerator(tree, { name: 'shipping', directory: 'apps/backoffice/shipping' })).rejects.toThrow(/must be apps\/<folder>/);
    await expect(serviceGenerator(tree, { name: 'shipping', directory: 'services/shipping' })).rejects.toThrow(/must be apps\/<folder>/);
  });

  it('spells a kebab-case name for each place: quoted key, snake_case schema, UPPER_SNAKE port variable', async () => {
    await serviceGenerator(tree, { name: 'fulfilment-center', port: 3100, directory: 'apps/fulfilment' });
    const root = 'apps/fulfilment';
    expect(read(tree, `${root}/jest.config.ts`)).toContain("preset: '../../jest.preset.js'");
    expect(read(tree, `${root}/src/app.module.ts`)).toContain("FULFILMENT_CENTER_AUDIENCE = 'fulfilment-center'");
    expect(read(tree, `${root}/src/config/fulfilment-center.config.ts`)).toContain('export function loadFulfilmentCenterConfig(');
    expect(read(tree, `${root}/src/persistence/migrations/001_items.ts`)).toContain('CREATE TABLE fulfilment_center.items');
    expect(read(tree, 'apps/auth/src/config/scopes.ts')).toContain("  'fulfilment-center': ['fulfilment-center:read', 'fulfilment-center:write'],");
    expect(read(tree, 'tools/stack/services.ts')).toContain("portVariable: 'FULFILMENT_CENTER_PORT', defaultPort: 3100");
    expect(read(tree, 'tools/compose/secrets.mjs')).toContain("'fulfilment-center': 'fulfilment-center-service' };");
    expect(parse(read(tree, 'docker-compose.yml'), { merge: true }).services['fulfilment-center'].command).toEqual([
      'node',
      `${root}/dist/main.js`,
    ]);
  });

  it.each([
    ['Shipping', /kebab-case/],
    ['ship_ping', /kebab-case/],
    ['1shipping', /kebab-case/],
    ['shipping-', /kebab-case/],
    ['', /kebab-case/],
    ['auth', /taken by the reference stack/],
    ['orders', /taken by the reference stack/],
    ['inventory', /taken by the reference stack/],
  ])('refuses the name %j', async (name, message) => {
    await expect(serviceGenerator(tree, { name })).rejects.toThrow(message);
    expect(tree.exists('apps/auth/src/config/scopes.ts') && read(tree, 'apps/auth/src/config/scopes.ts')).toBe(repoFile('apps/auth/src/config/scopes.ts'));
  });

  it('refuses a port another service uses, and a name of an existing project', async () => {
    await expect(serviceGenerator(tree, { name: 'shipping', port: 3001 })).rejects.toThrow(/Port 3001 is used/);
    tree.write('apps/billing/package.json', JSON.stringify({ name: '@service-trust/billing' }));
    await expect(serviceGenerator(tree, { name: 'billing' })).rejects.toThrow(/exists already/);
  });

  it('fails with the file and what to do by hand when a file is not in the shape it knows', async () => {
    tree.write('apps/auth/src/config/scopes.ts', 'export const SCOPES = new Map();\n');
    const failure = serviceGenerator(tree, { name: 'shipping' });
    await expect(failure).rejects.toThrow(WiringError);
    await expect(failure).rejects.toThrow(/apps\/auth\/src\/config\/scopes\.ts: no `export const SCOPES_BY_AUDIENCE[\s\S]*add shipping: \['shipping:read', 'shipping:write'\]/);
  });

  it('fails when the compose file is not valid YAML', async () => {
    tree.write('docker-compose.yml', 'services: [\n');
    await expect(serviceGenerator(tree, { name: 'shipping' })).rejects.toThrow(/docker-compose\.yml: not valid YAML/);
  });
});
