// SDL2, SDL2_ttf and SDL2_image for Swift. Function-like macros are not
// imported by Swift, so the few the kiosk needs are wrapped here.
#ifndef BMS_CSDL2_SHIM_H
#define BMS_CSDL2_SHIM_H
#define SDL_MAIN_HANDLED 1
#include <SDL.h>
#include <SDL_ttf.h>
#include <SDL_image.h>

static inline Uint32 bms_touch_mouse_id(void) { return SDL_TOUCH_MOUSEID; }
static inline int bms_windowpos_centered(void) { return SDL_WINDOWPOS_CENTERED; }
static inline Uint32 bms_format_xrgb8888(void) { return SDL_PIXELFORMAT_XRGB8888; }
static inline Uint32 bms_format_argb8888(void) { return SDL_PIXELFORMAT_ARGB8888; }
static inline Uint32 bms_format_abgr8888(void) { return SDL_PIXELFORMAT_ABGR8888; }
static inline int bms_save_bmp(SDL_Surface *s, const char *path) { return SDL_SaveBMP(s, path); }
static inline SDL_Surface *bms_load_bmp(const char *path) { return SDL_LoadBMP(path); }
static inline int bms_must_lock(SDL_Surface *s) { return SDL_MUSTLOCK(s); }
#endif
