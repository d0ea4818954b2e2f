import { print, type DocumentNode } from 'graphql';
import { apiErrors, describeError } from '../lib/errors';

/**
 * A GraphQL multipart request (the upload spec): the operation with the file
 * variable set to null, a map from part name to that variable, then the file.
 */
export function multipartBody(document: DocumentNode, variables: Record<string, unknown>, fileVar: string, file: Blob): FormData {
  const body = new FormData();
  body.append('operations', JSON.stringify({ query: print(document), variables: { ...variables, [fileVar]: null } }));
  body.append('map', JSON.stringify({ 0: [`variables.${fileVar}`] }));
  body.append('0', file);
  return body;
}

export interface UploadHandle<T> {
  done: Promise<T>;
  abort(): void;
}

/**
 * Sends a multipart operation with XMLHttpRequest, the one browser API that
 * reports upload progress. The preflight header is what the server asks of
 * cookie-authenticated uploads, so another site cannot post one.
 */
export function sendMultipart<T>(body: FormData, onProgress: (fraction: number) => void): UploadHandle<T> {
  const xhr = new XMLHttpRequest();
  const done = new Promise<T>((resolve, reject) => {
    xhr.open('POST', '/graphql');
    xhr.setRequestHeader('GraphQL-Require-Preflight', '1');
    xhr.responseType = 'json';
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && e.total > 0) onProgress(e.loaded / e.total);
    };
    xhr.onload = () => {
      const res = xhr.response as { data?: T | null; errors?: { message: string; extensions?: Record<string, unknown> }[] } | null;
      const errs = apiErrors({ graphQLErrors: res?.errors ?? [] });
      if (errs.length > 0) reject(new Error(describeError(errs[0]!)));
      else if (res?.data) resolve(res.data);
      else reject(new Error(`The upload failed (HTTP ${xhr.status}).`));
    };
    xhr.onerror = () => reject(new Error('The upload was interrupted. Check your connection and try again.'));
    xhr.onabort = () => reject(new Error('The upload was cancelled.'));
    xhr.send(body);
  });
  return { done, abort: () => xhr.abort() };
}
