export {
  TestIssuer,
  type JwksResponder,
  type RawTokenParts,
  type RecordedTokenRequest,
  type TestIssuerAlgorithm,
  type TestIssuerOptions,
  type TestSigningKey,
} from './test-issuer';
export { bearer, rpcPayload } from './test-helpers';
