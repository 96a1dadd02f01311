import type { Migration } from '@service-trust/service-kit';

/** The skus the walkthrough and the demo use. Idempotent: an existing sku is left as it is. */
export const DEMO_ITEMS: readonly { sku: string; name: string; available: number }[] = [
  { sku: 'SKU-BOOK-001', name: 'The Pragmatic Programmer', available: 25 },
  { sku: 'SKU-MUG-002', name: 'Coffee mug', available: 100 },
  { sku: 'SKU-PEN-003', name: 'Fountain pen', available: 10 },
  { sku: 'SKU-RARE-004', name: 'Signed first edition', available: 1 },
];

const literal = (text: string) => `'${text.replace(/'/g, "''")}'`;

export const demoItems: Migration = {
  id: '002_demo_items',
  sql: `
    INSERT INTO inventory.items (sku, name, available) VALUES
      ${DEMO_ITEMS.map((i) => `(${literal(i.sku)}, ${literal(i.name)}, ${i.available})`).join(',\n      ')}
    ON CONFLICT (sku) DO NOTHING;
  `,
};
