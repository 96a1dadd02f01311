import { Injectable } from '@nestjs/common';
import { OAuthError } from '../oauth/oauth.error';
import { clientSecretMatches, hashClientSecret } from './client-secret';
import { type Client, ClientRepository } from './client.repository';

/** The credentials a request presented, before they are checked. */
export interface PresentedCredentials {
  readonly clientId: string;
  readonly secret: string;
  readonly method: 'client_secret_basic' | 'client_secret_post';
}

const UNKNOWN_CLIENT_HASH = hashClientSecret('no client has this secret');

/**
 * Authenticates a client by `client_secret_basic` (RFC 6749 §2.3.1: id and secret are
 * form-urlencoded, then base64 in a Basic header) or `client_secret_post` (in the form body).
 * Using both at once is refused, as the RFC requires one method per request.
 */
@Injectable()
export class ClientAuthenticator {
  constructor(private readonly clients: ClientRepository) {}

  async authenticate(authorization: string | undefined, params: Readonly<Record<string, string>>): Promise<Client> {
    const presented = readCredentials(authorization, params);
    const client = await this.clients.find(presented.clientId);
    // Compare against a dummy hash for unknown clients, so both paths take the same time.
    const matches = clientSecretMatches(presented.secret, client?.secretHash ?? UNKNOWN_CLIENT_HASH);
    if (!client || !matches || client.disabled) {
      throw OAuthError.invalidClient();
    }
    return client;
  }
}

export function readCredentials(authorization: string | undefined, params: Readonly<Record<string, string>>): PresentedCredentials {
  const inBody = params['client_id'] !== undefined || params['client_secret'] !== undefined;
  if (authorization !== undefined) {
    if (inBody && params['client_secret'] !== undefined) {
      throw OAuthError.invalidRequest('Use one client authentication method: the Authorization header or the form body, not both.');
    }
    const match = /^Basic ([A-Za-z0-9+/]+={0,2})$/i.exec(authorization.trim());
    if (!match) throw OAuthError.invalidClient('The Authorization header must be HTTP Basic with the client credentials.');
    const decoded = Buffer.from(match[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 1) throw OAuthError.invalidClient('The Basic credentials must be client_id:client_secret.');
    try {
      const clientId = decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' '));
      const secret = decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' '));
      if (params['client_id'] !== undefined && params['client_id'] !== clientId) {
        throw OAuthError.invalidRequest('client_id in the body differs from the authenticated client.');
      }
      return { clientId, secret, method: 'client_secret_basic' };
    } catch (error) {
      if (error instanceof OAuthError) throw error;
      throw OAuthError.invalidClient('The Basic credentials are not validly encoded.');
    }
  }
  const clientId = params['client_id'];
  const secret = params['client_secret'];
  if (!clientId || !secret) {
    throw OAuthError.invalidClient('Client authentication is required (client_secret_basic or client_secret_post).');
  }
  return { clientId, secret, method: 'client_secret_post' };
}
