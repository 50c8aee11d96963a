/** The cursors of the pages seen so far (the first page has none): Previous drops one, Next adds the answer's. */
export type PageCursors = (string | undefined)[];

export interface CursorPagerProps {
  /** Prefix of the buttons' ids (`keys` gives `keys-previous` and `keys-next`). */
  id: string;
  cursors: PageCursors;
  setCursors: (cursors: PageCursors) => void;
  /** The admin API's cursor for the page after this one; null on the last page. */
  nextCursor: string | null;
}

/** Previous and Next over an admin API list paged by `limit` and `cursor`. */
export function CursorPager({ id, cursors, setCursors, nextCursor }: CursorPagerProps) {
  return (
    <div class="pager">
      <button
        type="button"
        class="secondary"
        id={`${id}-previous`}
        disabled={cursors.length === 1}
        onClick={() => setCursors(cursors.slice(0, -1))}
      >
        Previous
      </button>
      <button
        type="button"
        class="secondary"
        id={`${id}-next`}
        disabled={nextCursor === null}
        onClick={() => nextCursor !== null && setCursors([...cursors, nextCursor])}
      >
        Next
      </button>
    </div>
  );
}
