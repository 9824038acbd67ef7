// libp2p 3 calls Promise.withResolvers, which Node 20 lacks (Node 22 has it). Without it a node dies
// with a TypeError, and inside vitest it shows only as `connect ECONNRESET`. Import this first in every
// Node entry point.
if (typeof (Promise as { withResolvers?: unknown }).withResolvers !== 'function') {
  Object.defineProperty(Promise, 'withResolvers', {
    configurable: true,
    writable: true,
    value: function withResolvers<T>() {
      let resolve!: (value: T | PromiseLike<T>) => void;
      let reject!: (reason?: unknown) => void;
      const promise = new Promise<T>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      return { promise, resolve, reject };
    },
  });
}
export {};
