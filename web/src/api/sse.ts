// Server-Sent Events over fetch (EventSource cannot send credentials other
// than cookies, and errors would be invisible): GET /runs/{id}/events.
import { raw } from './client';

export interface SSEEvent {
  event: string;
  data: string;
}

/** Incremental parser of an event stream (text/event-stream). */
export class SSEParser {
  private buf = '';
  private event = '';
  private data: string[] = [];

  /** Feeds a chunk; returns the events it completes. */
  push(chunk: string): SSEEvent[] {
    this.buf += chunk;
    const out: SSEEvent[] = [];
    let nl: number;
    while ((nl = this.buf.search(/\r\n|\r|\n/)) >= 0) {
      const line = this.buf.slice(0, nl);
      this.buf = this.buf.slice(nl + (this.buf.startsWith('\r\n', nl) ? 2 : 1));
      if (line === '') {
        if (this.data.length > 0) out.push({ event: this.event || 'message', data: this.data.join('\n') });
        this.event = '';
        this.data = [];
        continue;
      }
      if (line.startsWith(':')) continue;
      const i = line.indexOf(':');
      const field = i < 0 ? line : line.slice(0, i);
      let value = i < 0 ? '' : line.slice(i + 1);
      if (value.startsWith(' ')) value = value.slice(1);
      if (field === 'event') this.event = value;
      else if (field === 'data') this.data.push(value);
    }
    return out;
  }
}

/** Reads the event stream at path until it ends or signal aborts. */
export async function streamEvents(path: string, onEvent: (e: SSEEvent) => void, signal: AbortSignal): Promise<void> {
  const res = await raw(path, { signal });
  if (!res.body) return;
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  const p = new SSEParser();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    for (const e of p.push(value)) onEvent(e);
  }
}
