import { ApiKey } from '../api-keys.js';
import type { ApiSpec, MessageSpec } from '../schema/types.js';

/**
 * SaslHandshake (key 17): choose a SASL mechanism before authenticating. Versions 0–1, never flexible.
 * Ferry serves 0–1.
 *
 * Grammar:
 *
 *   SaslHandshake Request (Version: 0-1) => mechanism
 *
 *   SaslHandshake Response (Version: 0-1) => error_code [mechanisms]
 *
 * After a v0 handshake the SASL tokens follow as raw size-prefixed frames; after v1 they travel inside
 * SaslAuthenticate requests (KIP-152). An unsupported mechanism answers UNSUPPORTED_SASL_MECHANISM with the
 * mechanisms the broker has enabled.
 */

export interface SaslHandshakeRequest {
  mechanism: string;
}

export interface SaslHandshakeResponse {
  errorCode: number;
  mechanisms: string[];
}

export const SASL_HANDSHAKE_REQUEST: MessageSpec = {
  apiKey: ApiKey.SaslHandshake,
  name: 'SaslHandshakeRequest',
  type: 'request',
  validVersions: '0-1',
  flexibleVersions: 'none',
  fields: [{ name: 'mechanism', type: 'string', versions: '0+' }],
};

export const SASL_HANDSHAKE_RESPONSE: MessageSpec = {
  apiKey: ApiKey.SaslHandshake,
  name: 'SaslHandshakeResponse',
  type: 'response',
  validVersions: '0-1',
  flexibleVersions: 'none',
  fields: [
    { name: 'errorCode', type: 'int16', versions: '0+' },
    { name: 'mechanisms', type: '[]string', versions: '0+' },
  ],
};

export const SASL_HANDSHAKE_API: ApiSpec = {
  apiKey: ApiKey.SaslHandshake,
  name: 'SaslHandshake',
  request: SASL_HANDSHAKE_REQUEST,
  response: SASL_HANDSHAKE_RESPONSE,
  minVersion: 0,
  maxVersion: 1,
};
