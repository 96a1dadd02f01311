import { Injectable } from '@nestjs/common';
import { Database } from '@service-trust/service-kit';

/** An item as the API shows it. */
export interface Item {
  sku: string;
  name: string;
  available: number;
}

@Injectable()
export class ItemRepository {
  constructor(private readonly db: Database) {}

  list(): Promise<Item[]> {
    return this.db.query<Item>('SELECT sku, name, available FROM inventory.items ORDER BY sku');
  }

  find(sku: string): Promise<Item | undefined> {
    return this.db.one<Item>('SELECT sku, name, available FROM inventory.items WHERE sku = $1', [sku]);
  }
}
