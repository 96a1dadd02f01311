import { Inject, Injectable } from '@nestjs/common';
import { type Principal, ServiceClients, type ServiceHttpClient, TargetResponseError } from '@service-trust/auth-guard';
import { ORDERS_CONFIG, type OrdersConfig } from '../config/orders.config';
import { toInventoryFailure } from './inventory.failure';

/** The audience of the inventory service. */
export const INVENTORY_AUDIENCE = 'inventory';

/** A reservation as inventory answers `POST /inventory/reservations`. */
export interface InventoryReservation {
  id: string;
  sku: string;
  quantity: number;
  reservedFor: string;
  actor: string | null;
}

/** An item of inventory's catalogue. */
export interface InventoryItem {
  sku: string;
  name: string;
  available: number;
}

/**
 * orders' calls to inventory, in the two trust modes:
 * - on behalf of the user (`onBehalfOf`): the user's token is exchanged (RFC 8693) for one bound to
 *   `inventory` with `act = orders-service`, asking only for `inventory:reserve`;
 * - as orders itself (`asService`): a client_credentials token asking only for `inventory:read`.
 *
 * Every failure is turned into the HTTP error orders answers (see {@link toInventoryFailure}).
 */
@Injectable()
export class InventoryClient {
  private readonly reserving: ServiceHttpClient;
  private readonly reading: ServiceHttpClient;

  constructor(clients: ServiceClients, @Inject(ORDERS_CONFIG) config: OrdersConfig) {
    const target = { audience: INVENTORY_AUDIENCE, baseUrl: config.inventoryUrl, timeoutMs: 5_000 };
    this.reserving = clients.target({ ...target, scopes: ['inventory:reserve'] });
    this.reading = clients.target({ ...target, scopes: ['inventory:read'] });
  }

  /**
   * Reserves stock for `user` (delegated) under `idempotencyKey` (inventory answers the same
   * reservation to a repeat, so a lost answer can be retried). Throws the outbound errors as they
   * are: the caller decides what is certain (see OrderPlacement) and maps them with
   * {@link toInventoryFailure}.
   */
  async reserve(user: Principal, sku: string, quantity: number, idempotencyKey: string): Promise<InventoryReservation> {
    const response = await this.reserving
      .onBehalfOf(user)
      .post<InventoryReservation>('/inventory/reservations', { sku, quantity }, { headers: { 'idempotency-key': idempotencyKey } });
    return response.body;
  }

  /**
   * Cancels the reservation made under `idempotencyKey`, on `user`'s behalf or — without a user,
   * as the reconciler does — with orders' own token (inventory lets the acting service cancel what
   * it reserved for users). `cancelled` (now or before), or `none`: inventory has no reservation
   * with this key. Other failures are thrown as they are.
   */
  async cancelByKey(idempotencyKey: string, user?: Principal): Promise<'cancelled' | 'none'> {
    const requester = user ? this.reserving.onBehalfOf(user) : this.reserving.asService();
    try {
      await requester.delete(`/inventory/reservations/by-key/${encodeURIComponent(idempotencyKey)}`);
      return 'cancelled';
    } catch (error) {
      if (error instanceof TargetResponseError && error.status === 404) return 'none';
      throw error;
    }
  }

  /** inventory's catalogue, read as orders itself. */
  async items(): Promise<InventoryItem[]> {
    const response = await this.reading.asService().get<InventoryItem[]>('/inventory/items').catch(toInventoryFailure);
    return response.body;
  }
}
