/** Options of `nx g @service-trust/tools:service` (see schema.json). */
export interface ServiceGeneratorSchema {
  /** The service's name, kebab-case: its audience, scope prefix, project name suffix and folder. */
  name: string;
  /** Listen port; default: the next one after the highest port in tools/stack/services.ts. */
  port?: number;
  /** Where the project goes; default `apps/<name>`. */
  directory?: string;
}

/** The options after validation and defaults, plus every spelling of the name the templates use. */
export interface NormalizedServiceOptions {
  /** kebab-case: audience, scope prefix, route prefix, compose/k8s name. */
  readonly name: string;
  readonly directory: string;
  readonly port: number;
  /** The workspace's npm scope, e.g. `@service-trust` (from the root package.json name). */
  readonly npmScope: string;
  /** `<npmScope>/<name>` */
  readonly projectName: string;
  /** The demo client the service gets its own tokens with: `<name>-service`. */
  readonly clientId: string;
  /** PascalCase, for classes. */
  readonly className: string;
  /** camelCase, for variables. */
  readonly propertyName: string;
  /** UPPER_SNAKE, for constants and the stack's port variable. */
  readonly constantName: string;
  /** snake_case: the PostgreSQL schema (migrate() accepts only [a-z_][a-z0-9_]*). */
  readonly schemaName: string;
}
