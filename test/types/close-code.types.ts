// Type tests of the close-code types, against the package's published declarations.
import {
  CloseCode,
  closeCodeName,
  closeCodeRange,
  describeCloseCode,
  isSendableCloseCode,
  isValidWireCloseCode,
  MAX_CLOSE_REASON_BYTES,
  type CloseCodeName,
  type CloseCodeRange,
  type CloseCodeRules,
  type NamedCloseCode,
} from 'rxjs-websocket-task';
import { accepts, expectTrue, type Equal } from './expect-type';

// CloseCode is an `as const` object: every member is its literal number, read-only.
expectTrue<Equal<typeof CloseCode.invalid, 0>>();
expectTrue<Equal<typeof CloseCode.normalClosure, 1000>>();
expectTrue<Equal<typeof CloseCode.messageTooBig, 1009>>();
expectTrue<Equal<typeof CloseCode.tlsHandshakeFailure, 1015>>();
// @ts-expect-error CloseCode is read-only
CloseCode.normalClosure = 1001;

// The named codes, by name and by value.
expectTrue<
  Equal<
    CloseCodeName,
    | 'invalid'
    | 'normalClosure'
    | 'goingAway'
    | 'protocolError'
    | 'unsupportedData'
    | 'noStatusReceived'
    | 'abnormalClosure'
    | 'invalidFramePayloadData'
    | 'policyViolation'
    | 'messageTooBig'
    | 'mandatoryExtensionMissing'
    | 'internalServerError'
    | 'serviceRestart'
    | 'tryAgainLater'
    | 'badGateway'
    | 'tlsHandshakeFailure'
  >
>();
expectTrue<Equal<NamedCloseCode, 0 | 1000 | 1001 | 1002 | 1003 | 1005 | 1006 | 1007 | 1008 | 1009 | 1010 | 1011 | 1012 | 1013 | 1014 | 1015>>();

// The CloseCode type takes the named codes and any other number (application codes 3000–4999).
accepts<CloseCode>(CloseCode.goingAway);
accepts<CloseCode>(4001);
accepts<CloseCode>(3000 as number);
// @ts-expect-error a close code is a number
accepts<CloseCode>('1000');
// @ts-expect-error NamedCloseCode has only the named codes
accepts<NamedCloseCode>(4001);

// Helpers.
expectTrue<Equal<ReturnType<typeof closeCodeName>, CloseCodeName | undefined>>();
expectTrue<Equal<ReturnType<typeof closeCodeRange>, CloseCodeRange>>();
expectTrue<Equal<CloseCodeRange, 'unset' | 'protocol' | 'registered' | 'private' | 'outOfRange'>>();
expectTrue<Equal<CloseCodeRules, 'rfc6455' | 'whatwg'>>();
expectTrue<Equal<ReturnType<typeof describeCloseCode>, string>>();
expectTrue<Equal<ReturnType<typeof isValidWireCloseCode>, boolean>>();
accepts<boolean>(isSendableCloseCode(CloseCode.goingAway));
accepts<boolean>(isSendableCloseCode(4001, 'whatwg'));
// @ts-expect-error the rules are 'rfc6455' or 'whatwg'
isSendableCloseCode(1000, 'browser');
expectTrue<Equal<typeof MAX_CLOSE_REASON_BYTES, 123>>();
