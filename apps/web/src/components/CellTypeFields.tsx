"use client";
/**
 * The proposal form's cell-type fields: typing in "Cell type" searches the Cell Ontology (labels and
 * synonyms, via Query.cellTypes); choosing a term fills both the label and its CL id and shows the
 * term's definition, so a name means the same to everyone. A free-text label stays possible (the id
 * is then optional); an id typed by hand is checked by the API against the ontology.
 */
import { useEffect, useId, useState } from "react";
import { gql } from "../graphql/client";
import { CELL_TYPES, type CellTypeTerm, type CellTypesData } from "../graphql/operations";

interface Props {
  idPrefix: string;
  label: string;
  ontologyId: string;
  onChange(values: { label?: string; ontologyId?: string }): void;
}

export function CellTypeFields({ idPrefix, label, ontologyId, onChange }: Props) {
  const [options, setOptions] = useState<CellTypeTerm[]>([]);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const [chosen, setChosen] = useState<CellTypeTerm | null>(null);
  const [searchError, setSearchError] = useState<string | null>(null);
  const listId = useId();

  // Search as the user types (after a short pause); an id typed by hand is looked up the same way.
  useEffect(() => {
    const text = label.trim();
    if (!open || text.length < 2) {
      setOptions([]);
      return;
    }
    let stale = false;
    const t = setTimeout(() => {
      gql<CellTypesData>(CELL_TYPES, { search: text, first: 8 })
        .then((d) => {
          if (stale) return;
          setOptions(d.cellTypes);
          setActive(d.cellTypes.length ? 0 : -1);
          setSearchError(null);
        })
        .catch((err: unknown) => !stale && setSearchError(err instanceof Error ? err.message : String(err)));
    }, 150);
    return () => {
      stale = true;
      clearTimeout(t);
    };
  }, [label, open]);

  // Keep the definition shown in step with the id (a revision opens with one).
  useEffect(() => {
    const id = ontologyId.trim().toUpperCase();
    if (!/^CL:\d{7}$/.test(id)) {
      setChosen(null);
      return;
    }
    if (chosen?.id === id) return;
    let stale = false;
    gql<CellTypesData>(CELL_TYPES, { search: id, first: 1 })
      .then((d) => !stale && setChosen(d.cellTypes.find((t) => t.id === id) ?? null))
      .catch(() => !stale && setChosen(null));
    return () => {
      stale = true;
    };
  }, [ontologyId, chosen?.id]);

  function choose(t: CellTypeTerm) {
    setChosen(t);
    onChange({ label: t.label, ontologyId: t.id });
    setOpen(false);
    setOptions([]);
  }

  const showList = open && options.length > 0;
  return (
    <>
      <div className="field" style={{ position: "relative" }}>
        <label htmlFor={`${idPrefix}-label`}>Cell type</label>
        <input
          id={`${idPrefix}-label`}
          role="combobox"
          aria-autocomplete="list"
          aria-expanded={showList}
          aria-controls={listId}
          aria-activedescendant={showList && active >= 0 ? `${listId}-${active}` : undefined}
          autoComplete="off"
          value={label}
          required
          maxLength={200}
          placeholder="type to search the Cell Ontology, e.g. monocyte"
          onChange={(e) => {
            onChange({ label: e.target.value });
            setOpen(true);
          }}
          onFocus={() => setOpen(true)}
          onBlur={() => setTimeout(() => setOpen(false), 150)}
          onKeyDown={(e) => {
            if (!showList) return;
            if (e.key === "ArrowDown") {
              e.preventDefault();
              setActive((a) => Math.min(options.length - 1, a + 1));
            } else if (e.key === "ArrowUp") {
              e.preventDefault();
              setActive((a) => Math.max(0, a - 1));
            } else if (e.key === "Enter" && active >= 0) {
              e.preventDefault();
              choose(options[active]!);
            } else if (e.key === "Escape") setOpen(false);
          }}
        />
        {showList ? (
          <ul id={listId} role="listbox" className="panel" data-testid="cell-type-options" style={{ position: "absolute", zIndex: 10, left: 0, right: 0, margin: 0, padding: "0.25rem", listStyle: "none", maxHeight: "18rem", overflowY: "auto" }}>
            {options.map((t, i) => (
              <li
                key={t.id}
                id={`${listId}-${i}`}
                role="option"
                aria-selected={i === active}
                data-testid="cell-type-option"
                style={{ padding: "0.3rem", cursor: "pointer", background: i === active ? "#e8f0fe" : undefined }}
                onMouseDown={(e) => {
                  e.preventDefault();
                  choose(t);
                }}
                onMouseEnter={() => setActive(i)}
              >
                <strong>{t.label}</strong> <span className="muted">{t.id}</span>
                {t.definition ? (
                  <div className="muted" style={{ fontSize: "0.85em" }}>
                    {t.definition.length > 160 ? `${t.definition.slice(0, 159)}…` : t.definition}
                  </div>
                ) : null}
              </li>
            ))}
          </ul>
        ) : null}
        {searchError ? <small className="alert">{searchError}</small> : null}
      </div>
      <div className="field">
        <label htmlFor={`${idPrefix}-cl`}>Cell Ontology id</label>
        <input
          id={`${idPrefix}-cl`}
          value={ontologyId}
          onChange={(e) => onChange({ ontologyId: e.target.value })}
          placeholder="filled when you choose a term"
          pattern="[Cc][Ll]:\d{7}"
          aria-describedby={`${idPrefix}-cl-hint`}
        />
        <small id={`${idPrefix}-cl-hint`} className="muted" data-testid="cell-type-definition">
          {chosen ? (
            <>
              <strong>{chosen.label}</strong>: {chosen.definition ?? "no definition in the ontology"}
              {chosen.parents.length ? ` (a kind of ${chosen.parents.map((p) => p.label).join(", ")})` : ""}
            </>
          ) : (
            "Choose a term above, or type CL: and 7 digits; only current Cell Ontology terms are accepted."
          )}
        </small>
      </div>
    </>
  );
}
