import { forwardRef, useId, type InputHTMLAttributes, type ReactNode } from "react";
import { useTranslation } from "react-i18next";

/** Translates an error that is an i18n key (optionally "ns:key"). */
export function ErrorText({ id, message }: { id?: string; message?: string | null }) {
  const { t } = useTranslation();
  if (!message) return null;
  return <p className="field-error" id={id} role="alert">{t(message as any)}</p>;
}

type InputProps = InputHTMLAttributes<HTMLInputElement> & { label: ReactNode; error?: string | null; hint?: ReactNode };

/** A labelled input whose error sits next to it and is announced. */
export const TextField = forwardRef<HTMLInputElement, InputProps>(function TextField({ label, error, hint, id, ...rest }, ref) {
  const auto = useId();
  const inputId = id ?? auto;
  const errorId = `${inputId}-error`;
  const hintId = `${inputId}-hint`;
  const describedBy = [error ? errorId : null, hint ? hintId : null].filter(Boolean).join(" ") || undefined;
  return (
    <div className="field">
      <label htmlFor={inputId}>{label}</label>
      {hint ? <span className="muted" id={hintId}>{hint}</span> : null}
      <input ref={ref} id={inputId} aria-invalid={error ? true : undefined} aria-describedby={describedBy} {...rest} />
      <ErrorText id={errorId} message={error} />
    </div>
  );
});
