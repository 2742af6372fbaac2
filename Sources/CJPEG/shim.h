// libjpeg reports errors by calling error_exit, which by default exits the
// process: these wrappers turn that into a return code through setjmp,
// which only C can do. Nothing here writes EXIF or any metadata: a JPEG
// made here carries the JFIF header alone.
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <setjmp.h>
#include <jpeglib.h>

struct bms_jpeg_error {
    struct jpeg_error_mgr pub;
    jmp_buf jump;
};

static inline void bms_jpeg_error_exit(j_common_ptr cinfo) {
    longjmp(((struct bms_jpeg_error *)cinfo->err)->jump, 1);
}

// Warnings go nowhere: stderr is not a log.
static inline void bms_jpeg_quiet(j_common_ptr cinfo) { (void)cinfo; }

/// 8-bit RGB rows (width * 3 bytes each) to a baseline JPEG in memory.
/// Returns 0 and a malloc'd buffer in *out (free() it), or -1.
static inline int bms_jpeg_encode_rgb(const unsigned char *pixels, int width, int height, int quality, int dpi,
                                      unsigned char **out, unsigned long *out_size) {
    struct jpeg_compress_struct c;
    struct bms_jpeg_error err;
    *out = NULL;
    *out_size = 0;
    c.err = jpeg_std_error(&err.pub);
    err.pub.error_exit = bms_jpeg_error_exit;
    err.pub.output_message = bms_jpeg_quiet;
    if (setjmp(err.jump)) {
        // The buffer may have been moved by the destination manager: leaking
        // it on this (programming) error is safer than a double free.
        jpeg_destroy_compress(&c);
        *out = NULL;
        *out_size = 0;
        return -1;
    }
    jpeg_create_compress(&c);
    jpeg_mem_dest(&c, out, out_size);
    c.image_width = (JDIMENSION)width;
    c.image_height = (JDIMENSION)height;
    c.input_components = 3;
    c.in_color_space = JCS_RGB;
    jpeg_set_defaults(&c);
    jpeg_set_quality(&c, quality, TRUE);
    c.density_unit = 1; // dots per inch, in the JFIF header
    c.X_density = (UINT16)dpi;
    c.Y_density = (UINT16)dpi;
    jpeg_start_compress(&c, TRUE);
    while (c.next_scanline < c.image_height) {
        JSAMPROW row = (JSAMPROW)(pixels + (size_t)c.next_scanline * (size_t)width * 3);
        jpeg_write_scanlines(&c, &row, 1);
    }
    jpeg_finish_compress(&c);
    jpeg_destroy_compress(&c);
    return 0;
}

/// A JPEG in memory to 8-bit RGB rows. Returns 0 and a malloc'd buffer in
/// *pixels (free() it), or -1 for data that is not a JPEG libjpeg reads.
static inline int bms_jpeg_decode_rgb(const unsigned char *data, unsigned long size, unsigned char **pixels,
                                      int *width, int *height) {
    struct jpeg_decompress_struct d;
    struct bms_jpeg_error err;
    unsigned char *volatile buffer = NULL;
    *pixels = NULL;
    d.err = jpeg_std_error(&err.pub);
    err.pub.error_exit = bms_jpeg_error_exit;
    err.pub.output_message = bms_jpeg_quiet;
    if (setjmp(err.jump)) {
        jpeg_destroy_decompress(&d);
        free(buffer);
        return -1;
    }
    jpeg_create_decompress(&d);
    jpeg_mem_src(&d, data, size);
    jpeg_read_header(&d, TRUE);
    d.out_color_space = JCS_RGB;
    jpeg_start_decompress(&d);
    size_t stride = (size_t)d.output_width * 3;
    buffer = malloc(stride * d.output_height + 1);
    if (buffer == NULL) {
        jpeg_destroy_decompress(&d);
        return -1;
    }
    while (d.output_scanline < d.output_height) {
        JSAMPROW row = (JSAMPROW)(buffer + (size_t)d.output_scanline * stride);
        jpeg_read_scanlines(&d, &row, 1);
    }
    jpeg_finish_decompress(&d);
    *width = (int)d.output_width;
    *height = (int)d.output_height;
    *pixels = buffer;
    jpeg_destroy_decompress(&d);
    return 0;
}
