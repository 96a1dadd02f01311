import { Inject, Injectable } from '@nestjs/common';
import { type Principal, ServiceClients, type ServiceHttpClient } from '@service-trust/auth-guard';
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

  /** Reserves stock for `user` (delegated). */
  async reserve(user: Principal, sku: string, quantity: number): Promise<InventoryReservation> {
    const response = await this.reserving
      .onBehalfOf(user)
      .post<InventoryReservation>('/inventory/reservations', { sku, quantity })
      .catch(toInventoryFailure);
    return response.body;
  }

  /** Cancels a reservation of `user` (delegated); idempotent on inventory's side. */
  async cancel(user: Principal, reservationId: string): Promise<void> {
    await this.reserving.onBehalfOf(user).delete(`/inventory/reservations/${encodeURIComponent(reservationId)}`).catch(toInventoryFailure);
  }

  /** inventory's catalogue, read as orders itself. */
  async items(): Promise<InventoryItem[]> {
    const response = await this.reading.asService().get<InventoryItem[]>('/inventory/items').catch(toInventoryFailure);
    return response.body;
  }
}
