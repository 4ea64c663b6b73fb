// autocannon ships no type declarations; the read-path benchmark uses its documented options only.
declare module 'autocannon';
