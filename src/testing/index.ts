export { closeFrame, type CloseFrame } from '../internal/testing/close-frame';
export { createVirtualPeer } from '../internal/testing/create-virtual-peer';
export { PeerEnding } from '../internal/testing/peer-ending';
export { summarizeErrors, type TaskErrorSummary } from '../internal/testing/summarize-errors';
export type { VirtualConnection } from '../internal/testing/virtual-connection';
export type { VirtualPeer, VirtualRequest } from '../internal/testing/virtual-peer';
export type { VirtualPeerOptions } from '../internal/testing/virtual-peer-options';
