export { serviceGenerator } from './service/generator.ts';
export type { ServiceGeneratorSchema } from './service/schema.ts';
