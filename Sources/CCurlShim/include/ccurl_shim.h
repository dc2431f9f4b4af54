#ifndef CCURL_SHIM_H
#define CCURL_SHIM_H
// Typed wrappers for libcurl's variadic calls, which Swift cannot call directly.
// No logic lives here: each function forwards one argument type.
#include <curl/curl.h>

typedef size_t (*ccurl_data_callback)(char *data, size_t size, size_t nmemb, void *userdata);

CURLcode ccurl_easy_setopt_long(CURL *handle, CURLoption option, long value);
CURLcode ccurl_easy_setopt_string(CURL *handle, CURLoption option, const char *value);
CURLcode ccurl_easy_setopt_pointer(CURL *handle, CURLoption option, void *value);
CURLcode ccurl_easy_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value);
CURLcode ccurl_easy_setopt_callback(CURL *handle, CURLoption option, ccurl_data_callback value);
CURLcode ccurl_easy_getinfo_long(CURL *handle, CURLINFO info, long *value);
CURLcode ccurl_easy_getinfo_pointer(CURL *handle, CURLINFO info, void **value);
CURLMcode ccurl_multi_setopt_long(CURLM *multi, CURLMoption option, long value);
/// Reads one finished transfer from the multi handle: returns 1 and fills easy/result, or 0.
int ccurl_multi_next_done(CURLM *multi, CURL **easy, CURLcode *result);

#endif
