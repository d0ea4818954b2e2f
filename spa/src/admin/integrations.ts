import type { ApiScope, WebhookEvent } from '../gql/graphql';

/** The API key scopes, in words, in the order the form lists them. */
export const API_SCOPES: Record<ApiScope, string> = {
  CATALOG_READ: 'Read the catalog',
  CATALOG_WRITE: 'Edit the catalog',
  MEDIA_UPLOAD: 'Upload media',
  ANALYTICS_READ: 'Read analytics',
  USERS_READ: 'Read accounts',
};

/** The webhook events as receivers name them. */
export const WEBHOOK_EVENTS: Record<WebhookEvent, string> = {
  VIDEO_READY: 'video.ready',
  VIDEO_FAILED: 'video.failed',
  TITLE_CREATED: 'title.created',
  TITLE_UPDATED: 'title.updated',
  TITLE_DELETED: 'title.deleted',
  MEMBERSHIP_STARTED: 'membership.started',
  MEMBERSHIP_CHANGED: 'membership.changed',
  MEMBERSHIP_ENDED: 'membership.ended',
  PAYMENT_SUCCEEDED: 'payment.succeeded',
  PAYMENT_FAILED: 'payment.failed',
};

/** toggle adds v to list, or takes it out when it is there. */
export function toggle<T>(list: readonly T[], v: T): T[] {
  return list.includes(v) ? list.filter((x) => x !== v) : [...list, v];
}

/** keyState says in a word or two whether a key works, and why not. */
export function keyState(k: { active: boolean; revokedAt?: string | null; expiresAt?: string | null }, now = new Date()): string {
  if (k.revokedAt) return `Revoked ${new Date(k.revokedAt).toLocaleDateString()}`;
  if (k.expiresAt && new Date(k.expiresAt) <= now) return 'Expired';
  if (!k.active) return 'Inactive';
  return k.expiresAt ? `Active until ${new Date(k.expiresAt).toLocaleDateString()}` : 'Active';
}
