import type { IncomingMessage } from 'node:http';
import { PassThrough, Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { ERRORS, type CancellationContext, type DataStore, type Server, type ServerOptions, type Upload } from '@tus/server';
import { parseUploadChecksum, type ExpectedChecksum } from './checksum.ts';
import type { StreamingS3Store } from './streaming-s3-store.ts';

type BodyHandler = Server['handlers']['PATCH'];
type BodyHandlerClass = new (store: DataStore, options: ServerOptions) => BodyHandler;
// tus types its requests with undici's fetch types: take them from its own signatures.
type TusRequest = Parameters<BodyHandler['send']>[0];
type TusHeaders = Parameters<BodyHandler['send']>[2];
type TusBody = NonNullable<TusRequest['body']>;

interface RequestBody {
  /** The Node request itself, when the request handed to tus carries no body of its own (tus-request.ts). */
  incoming: IncomingMessage | undefined;
  checksum: ExpectedChecksum | undefined;
}

const nodeRequestOf = (req: TusRequest) => (req as { runtime?: { node?: { req?: IncomingMessage } } }).runtime?.node?.req;

/**
 * The PATCH (and creation-with-upload POST) handler of @tus/server, reading the body from the Node
 * socket instead of through Node → web → Node stream bridges (a promise per chunk, twice), and
 * passing the `Upload-Checksum` to the store. Everything else — locks, offsets, hooks — is tus's own.
 */
function readingBodiesDirectly(Base: BodyHandlerClass, store: StreamingS3Store): BodyHandlerClass {
  const bodies = new WeakMap<CancellationContext, RequestBody>();
  return class extends Base {
    override async send(req: TusRequest, context: CancellationContext, headers?: TusHeaders): ReturnType<BodyHandler['send']> {
      const checksum = parseUploadChecksum(req.headers.get('upload-checksum'));
      if (!checksum.ok) throw { status_code: 400, body: checksum.message };
      bodies.set(context, { incoming: req.body === null ? nodeRequestOf(req) : undefined, checksum: checksum.value });
      return super.send(req, context, headers);
    }

    protected override async writeToStore(webStream: TusBody | null, upload: Upload, maxFileSize: number, context: CancellationContext): Promise<number> {
      if (context.signal.aborted) throw ERRORS.ABORTED;
      const body = bodies.get(context);
      const source = body?.incoming ?? (webStream ? Readable.fromWeb(webStream as WebReadableStream) : Readable.from([]));
      // The store reads a proxy: a client gone, or a newer request taking the upload's lock, ends it
      // gracefully — the bytes that arrived are kept (or, under a checksum, discarded) — and the
      // request stream itself is never destroyed under the server's feet.
      const proxy = new PassThrough({ highWaterMark: 256 * 1024 });
      const end = () => {
        source.unpipe(proxy);
        if (!proxy.destroyed && !proxy.writableEnded) proxy.end();
      };
      const endIfCut = () => (source.readableEnded ? undefined : end());
      source.on('error', end);
      source.once('close', endIfCut);
      context.signal.addEventListener('abort', end, { once: true });
      source.pipe(proxy);
      try {
        return await store.writeChunk(proxy, upload.id, upload.offset, { checksum: body?.checksum, maxBytes: maxFileSize });
      } finally {
        source.unpipe(proxy);
        source.off('error', end);
        source.off('close', endIfCut);
        context.signal.removeEventListener('abort', end);
      }
    }
  };
}

/** Puts the direct-body handlers in place of tus's PATCH and POST handlers (before any listener is added). */
export function readBodiesDirectly(server: Server, store: StreamingS3Store): void {
  // @tus/server exports no handler classes: its own instances give them to us.
  for (const method of ['PATCH', 'POST'] as const) {
    const current = server.handlers[method] as BodyHandler;
    const Direct = readingBodiesDirectly(current.constructor as BodyHandlerClass, store);
    server.handlers[method] = new Direct(store, current.options) as never;
  }
}
