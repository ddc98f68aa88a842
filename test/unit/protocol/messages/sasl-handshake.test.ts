import { describe, it } from 'vitest';
import {
  SASL_HANDSHAKE_REQUEST,
  SASL_HANDSHAKE_RESPONSE,
  type SaslHandshakeRequest,
  type SaslHandshakeResponse,
} from '../../../../src/protocol/messages/sasl-handshake.js';
import { ERROR_CODES, expectGolden, hex } from './hex-fixture.js';

describe('SaslHandshake', () => {
  it('v1 request', () => {
    const request: SaslHandshakeRequest = { mechanism: 'PLAIN' };
    expectGolden(SASL_HANDSHAKE_REQUEST, 1, request, hex('0005 504c41494e # PLAIN'));
  });

  it('v1 response: unsupported mechanism, with the enabled ones', () => {
    const response: SaslHandshakeResponse = {
      errorCode: ERROR_CODES.UNSUPPORTED_SASL_MECHANISM.code,
      mechanisms: ['PLAIN', 'SCRAM-SHA-256'],
    };
    expectGolden(
      SASL_HANDSHAKE_RESPONSE,
      1,
      response,
      hex('0021 # 33\n 00000002 0005 504c41494e 000d 5343 52414d 2d 534841 2d 323536 # SCRAM-SHA-256'),
    );
  });
});
