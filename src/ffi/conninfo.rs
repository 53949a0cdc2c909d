//! Exports: PQconninfoParse, PQconndefaults, PQconninfo, PQconninfoFree.
