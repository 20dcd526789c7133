"""Standards: file formats coprod reads and writes (Pabulib now; OCDS, 360Giving and PROV later)."""
