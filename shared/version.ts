/** Baken's version as exports and `baken --version` name it; test/packaging checks it against package.json. */
export const BAKEN_VERSION = '0.1.0';
