import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { ServiceIdentity } from '../observability/observability.module';
import { BEARER_AUTH, CLIENT_BASIC_AUTH } from './openapi.decorators';

/** Where the API is described: Swagger UI, and the OpenAPI document as JSON. */
export const DOCS_PATH = '/docs';
export const DOCS_JSON_PATH = '/docs-json';

/**
 * Serves the service's OpenAPI 3 document at `/docs-json` and Swagger UI at `/docs`, with a
 * `bearer` security scheme (the "Authorize" button takes an access token). Both are plain Fastify
 * routes, not Nest controllers, so the auth guard never sees them: they are public. Swagger UI's
 * files come from the installed `swagger-ui-dist` (served by `@fastify/static`); nothing is
 * fetched from elsewhere (the online validator is off). The document is built on first request.
 */
export function setupOpenApi(app: INestApplication, identity: ServiceIdentity): void {
  let builder = new DocumentBuilder()
    .setTitle(identity.service)
    .setDescription(identity.description ?? '')
    .setVersion(identity.version ?? '1.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: `An access token (at+jwt) whose audience is ${identity.service}` }, BEARER_AUTH);
  if (identity.clientAuthentication) {
    builder = builder.addBasicAuth({ type: 'http', scheme: 'basic', description: 'client_secret_basic: client_id and client secret' }, CLIENT_BASIC_AUTH);
  }
  const config = builder.build();
  SwaggerModule.setup(DOCS_PATH.slice(1), app, () => SwaggerModule.createDocument(app, config), {
    jsonDocumentUrl: DOCS_JSON_PATH.slice(1),
    raw: ['json'],
    customSiteTitle: `${identity.service} API`,
    swaggerOptions: { validatorUrl: null, persistAuthorization: false, displayRequestDuration: true },
  });
}
