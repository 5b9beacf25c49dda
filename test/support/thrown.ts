import { expect } from 'chai';
import { WebSocketTaskError } from '../../src/index';

/** The error `action` throws, checked to be a WebSocketTaskError; fails the test if nothing is thrown. */
export function thrown(action: () => unknown): WebSocketTaskError {
  try {
    action();
  } catch (error) {
    expect(error).to.be.instanceOf(WebSocketTaskError);
    return error as WebSocketTaskError;
  }
  expect.fail('expected a WebSocketTaskError to be thrown');
}
