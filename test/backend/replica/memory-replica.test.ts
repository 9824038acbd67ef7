import { createMemoryReplica } from '../../../electron/backend/replica/memory-replica.js';
import { nodeCrypto } from '../../support/entries.js';
import { describeReplica } from './replica-suite.js';

describeReplica('in memory', ({ signer, now, maxSkewMs, waitingRoom }) =>
  createMemoryReplica({ author: signer.publicKeyHex, crypto: nodeCrypto, now, maxSkewMs, waitingRoom }));
