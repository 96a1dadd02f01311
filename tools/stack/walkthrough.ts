/**
 * The walkthrough `npm start` prints: shell lines that work exactly as printed (bash or zsh, with
 * curl and node on PATH), crossing all three services in both trust modes. `npm run demo` drives
 * the same story with readable output, and the stack e2e tests run these very lines.
 */
/** A sku the inventory service seeds, used by the walkthrough and the demo. */
export const DEMO_SKU = 'SKU-BOOK-001';

export interface WalkthroughInput {
  readonly auth: string;
  readonly orders: string;
  readonly inventory: string;
  readonly user: { readonly username: string; readonly password: string };
  readonly service: { readonly client_id: string; readonly client_secret: string };
  /** A sku seeded in inventory. */
  readonly sku: string;
}

export interface WalkthroughStep {
  /** What the step shows, printed as a comment above it. */
  readonly title: string;
  /** One shell line. */
  readonly command: string;
}

/** Reads one field of the JSON on standard input (no jq needed: node is there). */
const field = (name: string) => `node -pe 'JSON.parse(require("fs").readFileSync(0, "utf8")).${name}'`;
const json = (value: unknown) => `'${JSON.stringify(value)}'`;

export function walkthroughSteps(w: WalkthroughInput): WalkthroughStep[] {
  const bearer = (variable: string) => `-H "authorization: Bearer $${variable}"`;
  return [
    {
      title: `Log in as ${w.user.username}: a user token for audience orders`,
      command: `TOKEN=$(curl -s -H 'content-type: application/json' -d ${json({ username: w.user.username, password: w.user.password })} ${w.auth}/auth/login | ${field('access_token')})`,
    },
    { title: 'Who am I, as orders sees it?', command: `curl -s ${bearer('TOKEN')} ${w.orders}/whoami` },
    {
      title: 'Place an order: orders exchanges your token for one bound to inventory (act = orders-service) and reserves stock',
      command: `curl -s ${bearer('TOKEN')} -H 'content-type: application/json' -d ${json({ sku: w.sku, quantity: 1 })} ${w.orders}/orders`,
    },
    { title: 'Your orders', command: `curl -s ${bearer('TOKEN')} ${w.orders}/orders` },
    { title: 'The catalogue: orders reads inventory with its own service token', command: `curl -s ${bearer('TOKEN')} ${w.orders}/catalog` },
    {
      title: 'inventory refuses a token meant for orders: 401 invalid_token',
      command: `curl -s -o /dev/null -w '%{http_code}\\n' ${bearer('TOKEN')} ${w.inventory}/inventory/items`,
    },
    {
      title: `A service token for inventory, as ${w.service.client_id} (client_credentials)`,
      command: `SERVICE_TOKEN=$(curl -s -u ${w.service.client_id}:${w.service.client_secret} -d grant_type=client_credentials -d audience=inventory ${w.auth}/oauth/token | ${field('access_token')})`,
    },
    { title: 'inventory accepts it', command: `curl -s ${bearer('SERVICE_TOKEN')} ${w.inventory}/inventory/items` },
  ];
}

/** The steps as printed text, indented, each under its comment. */
export function formatWalkthrough(steps: readonly WalkthroughStep[], indent = '    '): string {
  return steps.map((step, i) => `${indent}# ${i + 1}. ${step.title}\n${indent}${step.command}`).join('\n');
}
