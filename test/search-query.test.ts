import { describe, expect, it } from 'vitest';
import { ftsExpression, parseSearchQuery } from '../worker/conversations/search-query';

describe('parseSearchQuery', () => {
  it('splits words, phrases and keyed filters', () => {
    const q = parseSearchQuery('refund "late checkout" phone:+34 600-111 email:Ana@Example.com assigned:me tag:VIP channel:sms status:open');
    expect(q.words).toEqual(['refund', '600-111']);
    expect(q.phrases).toEqual(['late checkout']);
    expect(q).toMatchObject({ phone: '+34', email: 'ana@example.com', assigned: 'me', tags: ['vip'], channels: ['sms'], statuses: ['open'] });
  });

  it('accepts quoted values for keys and treats unknown keys as text', () => {
    const q = parseSearchQuery('tag:"big spender" foo:bar');
    expect(q.tags).toEqual(['big spender']);
    expect(q.words).toEqual(['foo:bar']);
  });
});

describe('ftsExpression', () => {
  it('quotes every token so user input is never FTS syntax', () => {
    expect(ftsExpression(parseSearchQuery('wifi OR NEAR( "hot water"'))).toBe('"wifi"* AND "OR"* AND "NEAR"* AND "hot water"');
    expect(ftsExpression(parseSearchQuery('status:open'))).toBeNull();
    expect(ftsExpression(parseSearchQuery('"*" ^'))).toBeNull();
  });
});
