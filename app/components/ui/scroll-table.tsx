import type { ReactNode } from "react";

export interface ScrollTableColumn {
  label: ReactNode;
  /** a number column (right-aligned) */
  num?: boolean;
}

/**
 * A table in a region that scrolls sideways at phone width (focusable, so a keyboard can scroll
 * it), named by the heading `labelledBy`, under one header row of `columns`; `children` are the rows.
 */
export function ScrollTable({ labelledBy, columns, children }: { labelledBy: string; columns: readonly ScrollTableColumn[]; children: ReactNode }) {
  return (
    <div className="table-wrap" tabIndex={0} role="region" aria-labelledby={labelledBy}>
      <table>
        <thead>
          <tr>
            {columns.map((c, i) => <th key={i} scope="col" className={c.num ? "num" : undefined}>{c.label}</th>)}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
