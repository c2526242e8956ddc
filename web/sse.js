// Server-sent events read with fetch(), so that the bearer token goes in the Authorization
// header (EventSource cannot send one). Reconnects after `retry:` with the Last-Event-ID header.

/** Splits a text/event-stream into events: { event, data, id }. Comments (heartbeats) are skipped. */
export class SseParser {
  constructor(onEvent) {
    this.onEvent = onEvent;
    this.buffer = '';
    this.lastId = undefined;
    this.retry = undefined;
  }

  push(chunk) {
    this.buffer += chunk;
    let end;
    while ((end = this.buffer.search(/\r?\n\r?\n/)) >= 0) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end).replace(/^\r?\n\r?\n/, '');
      this.block(block);
    }
  }

  block(block) {
    let event = 'message';
    const data = [];
    let id;
    for (const line of block.split(/\r?\n/)) {
      if (line === '' || line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') event = value;
      else if (field === 'data') data.push(value);
      else if (field === 'id') id = value;
      else if (field === 'retry' && /^\d+$/.test(value)) this.retry = Number(value);
    }
    if (id !== undefined) this.lastId = id;
    if (data.length > 0) this.onEvent({ event, data: data.join('\n'), id });
  }
}

/**
 * Follows `url` until stop() is called. onEvent gets parsed events (data as JSON); onState tells
 * 'live', 'reconnecting' or an error text for the page to show.
 */
export function follow(url, { headers, onEvent, onState }) {
  const controller = new AbortController();
  let stopped = false;
  let lastId;
  let retry = 2000;
  const run = async () => {
    while (!stopped) {
      try {
        const res = await fetch(url, { headers: { accept: 'text/event-stream', ...headers(), ...(lastId ? { 'last-event-id': lastId } : {}) }, signal: controller.signal });
        if (!res.ok || !res.body) {
          let message = `HTTP ${res.status}`;
          try {
            const body = await res.json();
            if (body?.error) message = `${body.error.code}: ${body.error.message}`;
          } catch {
            // Not JSON: the status says enough.
          }
          onState(message);
        } else {
          onState('live');
          const parser = new SseParser((e) => {
            let data;
            try {
              data = JSON.parse(e.data);
            } catch {
              return;
            }
            onEvent({ event: e.event, data, id: e.id });
          });
          const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
          for (;;) {
            const { value, done } = await reader.read();
            if (done) break;
            parser.push(value);
            lastId = parser.lastId ?? lastId;
            retry = parser.retry ?? retry;
          }
          if (!stopped) onState('reconnecting');
        }
      } catch (err) {
        if (stopped) return;
        onState('reconnecting');
        void err;
      }
      await new Promise((resolve) => setTimeout(resolve, retry));
    }
  };
  void run();
  return () => {
    stopped = true;
    controller.abort();
  };
}
