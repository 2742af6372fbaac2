// cairo (PDF surfaces) and pango (wrapped French text) for the kiosk's printed documents.
#include <cairo.h>
#include <cairo-pdf.h>
#include <pango/pangocairo.h>
