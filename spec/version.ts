// The spec's version: a manifest names the version it was written for (kit lesson 9).
export const SPEC_VERSION = '2';
