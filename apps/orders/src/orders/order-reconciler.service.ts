import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { ORDERS_CONFIG, type OrdersConfig } from '../config/orders.config';
import { InventoryClient } from '../inventory/inventory.client';
import { OrderRepository } from './order.repository';

/** What one reconciliation run did. */
export interface ReconcileResult {
  /** `pending` orders marked `failed` (their reservation, if any, cancelled). */
  failed: number;
  /** `pending` orders left as they were, to be retried on the next run (inventory or auth failing). */
  left: number;
}

/**
 * Resolves the orders placement left `pending` (orders answered 503, the outcome was uncertain):
 * every `pending` order older than `RECONCILE_AFTER_MS` — far longer than a placement can take
 * (two inventory attempts of 5 s) — has its reservation cancelled by key at inventory with orders'
 * OWN token (there is no user token in the background; inventory lets the acting service cancel
 * what it reserved on users' behalf), and is then marked `failed`. A cancel that fails leaves the
 * order `pending` for the next run. Runs every `RECONCILE_INTERVAL_MS` (unref'd timer; 0 = never)
 * and on demand ({@link reconcile}); several replicas may run it at once (both steps are idempotent).
 */
@Injectable()
export class OrderReconciler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('OrderReconciler');
  private timer?: NodeJS.Timeout;
  private running?: Promise<ReconcileResult>;

  constructor(
    private readonly orders: OrderRepository,
    private readonly inventory: InventoryClient,
    @Inject(ORDERS_CONFIG) private readonly config: OrdersConfig,
  ) {}

  onApplicationBootstrap(): void {
    const { intervalMs } = this.config.reconcile;
    if (intervalMs <= 0) return;
    this.timer = setInterval(() => {
      this.reconcile().catch((error: unknown) => this.logger.warn(`Reconciliation run failed: ${(error as Error).message}`));
    }, intervalMs);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /**
   * One run over the `pending` orders older than `olderThanMs` (default `RECONCILE_AFTER_MS`).
   * A run already in progress is joined, not doubled.
   */
  reconcile(olderThanMs = this.config.reconcile.afterMs): Promise<ReconcileResult> {
    this.running ??= this.run(olderThanMs).finally(() => (this.running = undefined));
    return this.running;
  }

  private async run(olderThanMs: number): Promise<ReconcileResult> {
    const result: ReconcileResult = { failed: 0, left: 0 };
    for (const order of await this.orders.stalePending(olderThanMs)) {
      try {
        if (order.idempotencyKey) await this.inventory.cancelByKey(order.idempotencyKey);
        if (await this.orders.markFailed(order.id)) result.failed++;
      } catch (error) {
        result.left++;
        this.logger.warn(`Order ${order.id} still pending: ${(error as Error).name}: ${(error as Error).message}`);
      }
    }
    if (result.failed + result.left > 0) this.logger.log(`Reconciled pending orders: ${result.failed} failed, ${result.left} left for the next run`);
    return result;
  }
}
