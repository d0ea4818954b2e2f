import { describe, expect, it } from 'vitest';
import { websocketURL } from './ws';

describe('websocketURL', () => {
  it('uses ws: for http pages and keeps host and port', () => {
    expect(websocketURL({ protocol: 'http:', host: '127.0.0.1:8080' }, '/graphql')).toBe(
      'ws://127.0.0.1:8080/graphql',
    );
  });

  it('uses wss: for https pages', () => {
    expect(websocketURL({ protocol: 'https:', host: 'tv.example.org' }, '/graphql')).toBe(
      'wss://tv.example.org/graphql',
    );
  });

  it('keeps a non-default https port', () => {
    expect(websocketURL({ protocol: 'https:', host: 'tv.example.org:8443' }, '/graphql')).toBe(
      'wss://tv.example.org:8443/graphql',
    );
  });

  it('roots a relative path at the host', () => {
    expect(websocketURL({ protocol: 'http:', host: 'localhost:5173' }, 'graphql')).toBe(
      'ws://localhost:5173/graphql',
    );
  });

  it('rejects pages that are not http or https', () => {
    expect(() => websocketURL({ protocol: 'file:', host: '' }, '/graphql')).toThrow(/file:/);
  });
});
