import type { transfersArea } from '../../../shared/contract/transfers.js';
import type { HandlersOf } from '../../../shared/contract/method.js';
import type { TransferStore } from '../transfers/transfer-store.js';

/** Files moved in pieces between a window and the backend; what they are for is the caller's (bundle.import, bundle.prepare). */
export function createTransferHandlers({ transfers }: { transfers: Omit<TransferStore, 'start' | 'stop' | 'name'> }): HandlersOf<typeof transfersArea> {
  const view = ({ id, bytes, received }: { id: string; bytes: number; received: number }) => ({ transfer: id, bytes, received });
  return {
    'transfer.start': ({ name, bytes }) => view(transfers.receive(name, bytes)),
    'transfer.append': async ({ transfer, offset, data }) => view(await transfers.append(transfer, offset, Buffer.from(data, 'base64'))),
    'transfer.read': async ({ transfer, offset, length }) => {
      const { bytes, end } = await transfers.read(transfer, offset, length);
      return { data: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64'), bytes: bytes.length, end };
    },
    'transfer.discard': async ({ transfer }) => ({ discarded: await transfers.discard(transfer) }),
  };
}
