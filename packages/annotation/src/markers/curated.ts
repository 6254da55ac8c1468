/**
 * PanglaoDB names the automatic matching (ontology.matchName) maps wrongly or not at all, mapped by
 * hand from the Cell Ontology release 2026-03-26 for the whole database (not for any one data set);
 * null keeps a name unmapped on purpose. Read by scripts/build-data.ts only; the shipped
 * data/markers.json carries the result.
 */
export const CURATED_NAMES: Record<string, string | null> = {
  // Automatic matches that name another cell.
  "Alpha cells": "CL:0000171", // not "alpha retinal ganglion cell"
  "Crypt cells": null, // not "crypt olfactory receptor neuron"; PanglaoDB's are intestinal
  // Names the ontology spells differently.
  "Beta cells": "CL:0000169",
  "Delta cells": "CL:0000173",
  "Gamma (PP) cells": "CL:0002275",
  "Epsilon cells": "CL:0005019",
  "Ductal cells": "CL:0002079",
  Microglia: "CL:0000129",
  Oligodendrocytes: "CL:0000128",
  "Oligodendrocyte progenitor cells": "CL:0002453",
  "Ependymal cells": "CL:0000065",
  Neuroblasts: "CL:0000031",
  Tanycytes: "CL:0002085",
  "Radial glia cells": "CL:0000681",
  "Bergmann glia": "CL:0000644",
  "Myeloid-derived suppressor cells": "CL:0000889",
  "Natural killer T cells": "CL:0000814",
  "Proximal tubule cells": "CL:0002306",
  "Principal cells": "CL:0005009",
  "Satellite cells": "CL:0000594",
  Spermatozoa: "CL:0000019",
  "Glutaminergic neurons": "CL:0000679",
  "Erythroid-like and erythroid precursor cells": "CL:0000038",
  "Choroid plexus cells": "CL:0000706",
};
