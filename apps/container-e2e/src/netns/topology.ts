/**
 * Compose's networks rebuilt with Linux network namespaces (root only):
 * - one namespace per compose service (`st-ce-<service>`), plus `st-ce-out`, an outsider that is
 *   only on the `public` network, and `st-ce-sw`, which holds one bridge per compose network
 *   (inside its own namespace, so the host's firewall and bridge settings never apply);
 * - a veth pair from each service namespace to the bridge of each network compose puts it on,
 *   with an address in that network's /24 (10.231.<n>.0/24 — private, only inside these
 *   namespaces);
 * - the host (root namespace) gets an address on every non-internal network, as Docker's
 *   gateway does, and none on internal ones;
 * - `/etc/netns/<ns>/hosts` resolves the names of the services that share a network with the
 *   namespace, as Docker's DNS does (`ip netns exec` mounts it over /etc/hosts); other names
 *   do not resolve.
 * No routes between networks and no forwarding: a namespace reaches exactly the networks it has
 * an interface on; on the host, the rest of 10.231.0.0/16 is an `unreachable` route, so nothing
 * for the test range ever leaves the machine.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';

export const PREFIX = 'st-ce-';
export const SWITCH = `${PREFIX}sw`;
export const HOST_LINK = `${PREFIX}host`;
const SUBNET_BASE = '10.231';
/**
 * The whole test range is unreachable from the host except the networks it has a leg on: without
 * it, a packet for an internal network would follow the host's default route off the machine.
 */
export const TEST_RANGE = `${SUBNET_BASE}.0.0/16`;

export interface Network {
  readonly name: string;
  readonly internal: boolean;
  /** Third octet of its 10.231.x.0/24. */
  readonly index: number;
}

export interface Member {
  readonly service: string;
  readonly namespace: string;
  readonly networks: readonly string[];
  /** Not a compose service (the outsider): nobody resolves its name. */
  readonly hidden?: boolean;
}

export interface Topology {
  readonly networks: readonly Network[];
  readonly members: readonly Member[];
  /** Address of `service` on `network`. */
  address(service: string, network: string): string;
  /** The host's address on a non-internal network. */
  hostAddress(network: string): string;
}

/** Runs `ip ...`; throws with its message when it fails. */
export function ip(...args: string[]): string {
  const result = spawnSync('ip', args, { encoding: 'utf8', timeout: 10_000 });
  if (result.error) throw new Error(`ip ${args.join(' ')}: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`ip ${args.join(' ')}: ${result.stderr.trim() || `exit ${result.status}`}`);
  return result.stdout;
}

/** Every namespace this test may have left behind, ours by their prefix. */
export function leftoverNamespaces(): string[] {
  const result = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' });
  if (result.status !== 0) return [];
  return result.stdout
    .split('\n')
    .map((line) => line.split(' ')[0] ?? '')
    .filter((name) => name.startsWith(PREFIX));
}

/** Kills what still runs in our namespaces (a crashed run), then deletes them and their files. */
export function removeAll(): void {
  for (const ns of leftoverNamespaces()) {
    const pids = spawnSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' }).stdout?.split('\n').filter(Boolean) ?? [];
    for (const pid of pids) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        /* gone already */
      }
    }
    spawnSync('ip', ['netns', 'del', ns]);
    rmSync(`/etc/netns/${ns}`, { recursive: true, force: true });
  }
  spawnSync('ip', ['route', 'del', 'unreachable', TEST_RANGE], { encoding: 'utf8' });
  // Deleting the switch namespace removes the host's veths with it; this is for half-made ones.
  const links = spawnSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' }).stdout ?? '';
  for (const match of links.matchAll(/^\d+: ([^:@\s]+)/gm)) {
    const name = match[1];
    if (name?.startsWith(HOST_LINK)) spawnSync('ip', ['link', 'del', name]);
  }
}

export function plan(networks: { name: string; internal: boolean }[], members: Member[]): Topology {
  const nets = networks.map((n, i) => ({ ...n, index: i + 1 }));
  const hostOctet = 1;
  const octet = new Map(members.map((m, i) => [m.service, 10 + i]));
  const net = (name: string) => {
    const found = nets.find((n) => n.name === name);
    if (!found) throw new Error(`unknown network ${name}`);
    return found;
  };
  return {
    networks: nets,
    members,
    address: (service, network) => {
      const member = members.find((m) => m.service === service);
      if (!member?.networks.includes(network)) throw new Error(`${service} is not on ${network}`);
      return `${SUBNET_BASE}.${net(network).index}.${octet.get(service)}`;
    },
    hostAddress: (network) => {
      if (net(network).internal) throw new Error(`${network} is internal: the host has no address on it`);
      return `${SUBNET_BASE}.${net(network).index}.${hostOctet}`;
    },
  };
}

/** Creates the namespaces, bridges, links, addresses and hosts files of `topology`. */
export function build(topology: Topology): void {
  ip('route', 'add', 'unreachable', TEST_RANGE);
  ip('netns', 'add', SWITCH);
  ip('-n', SWITCH, 'link', 'set', 'lo', 'up');
  for (const network of topology.networks) {
    const bridge = `br-${network.index}`;
    ip('-n', SWITCH, 'link', 'add', bridge, 'type', 'bridge');
    ip('-n', SWITCH, 'link', 'set', bridge, 'up');
    if (!network.internal) {
      // The host's leg on this network (Docker's gateway address).
      const hostLink = `${HOST_LINK}${network.index}`;
      ip('link', 'add', hostLink, 'type', 'veth', 'peer', 'name', `h-${network.index}`, 'netns', SWITCH);
      ip('-n', SWITCH, 'link', 'set', `h-${network.index}`, 'master', bridge, 'up');
      ip('addr', 'add', `${topology.hostAddress(network.name)}/24`, 'dev', hostLink);
      ip('link', 'set', hostLink, 'up');
    }
  }
  for (const member of topology.members) {
    ip('netns', 'add', member.namespace);
    ip('-n', member.namespace, 'link', 'set', 'lo', 'up');
    for (const name of member.networks) {
      const network = topology.networks.find((n) => n.name === name);
      if (!network) throw new Error(`${member.service}: unknown network ${name}`);
      const inside = `eth${network.index}`;
      const outside = `${member.service.slice(0, 9)}-${network.index}`;
      ip('-n', SWITCH, 'link', 'add', outside, 'type', 'veth', 'peer', 'name', inside, 'netns', member.namespace);
      ip('-n', SWITCH, 'link', 'set', outside, 'master', `br-${network.index}`, 'up');
      ip('-n', member.namespace, 'addr', 'add', `${topology.address(member.service, name)}/24`, 'dev', inside);
      ip('-n', member.namespace, 'link', 'set', inside, 'up');
    }
    // Names as Docker's DNS answers them inside this container: every service sharing a network.
    const lines = ['127.0.0.1 localhost', '::1 localhost'];
    for (const other of topology.members) {
      const shared = other.networks.find((n) => member.networks.includes(n));
      if (shared && !other.hidden) lines.push(`${topology.address(other.service, shared)} ${other.service}`);
    }
    mkdirSync(`/etc/netns/${member.namespace}`, { recursive: true });
    writeFileSync(`/etc/netns/${member.namespace}/hosts`, `${lines.join('\n')}\n`);
    // Any other name: asked of nobody (a refused local port), so no DNS query leaves the namespace.
    writeFileSync(`/etc/netns/${member.namespace}/resolv.conf`, 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n');
  }
}
