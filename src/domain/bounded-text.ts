// Text cut to a length something downstream takes (a schema's limit, a search attribute's size), marked as cut.
// Pure module: workflows import it.

/** `text` when it is at most `max` characters, else its first `max - 1` and an ellipsis. */
export function boundedText(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
