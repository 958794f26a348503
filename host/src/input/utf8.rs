//! Decoding UTF-8 under `input.invalid_utf8`: strictly, naming the first bad
//! byte, or replacing each invalid sequence with U+FFFD and counting the
//! bytes replaced. Never guesses another encoding.

use std::borrow::Cow;

use docpipe_contract::pipeline::InvalidUtf8Policy;

/// Text decoded from bytes, and how many of those bytes were invalid and
/// replaced (always 0 under [`InvalidUtf8Policy::Reject`]).
pub(super) struct Decoded<T> {
    pub text: T,
    pub replaced_bytes: u64,
}

/// Decodes a whole file; on rejection, the offset of the first invalid byte.
pub(super) fn decode_owned(
    bytes: Vec<u8>,
    policy: InvalidUtf8Policy,
) -> Result<Decoded<String>, usize> {
    match String::from_utf8(bytes) {
        Ok(text) => Ok(Decoded {
            text,
            replaced_bytes: 0,
        }),
        Err(error) => match policy {
            InvalidUtf8Policy::Reject => Err(error.utf8_error().valid_up_to()),
            InvalidUtf8Policy::Replace => Ok(replace_invalid(error.as_bytes())),
        },
    }
}

/// Decodes a line; on rejection, the offset of the first invalid byte.
pub(super) fn decode(
    bytes: &[u8],
    policy: InvalidUtf8Policy,
) -> Result<Decoded<Cow<'_, str>>, usize> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(Decoded {
            text: Cow::Borrowed(text),
            replaced_bytes: 0,
        }),
        Err(error) => match policy {
            InvalidUtf8Policy::Reject => Err(error.valid_up_to()),
            InvalidUtf8Policy::Replace => {
                let Decoded {
                    text,
                    replaced_bytes,
                } = replace_invalid(bytes);
                Ok(Decoded {
                    text: Cow::Owned(text),
                    replaced_bytes,
                })
            }
        },
    }
}

/// One U+FFFD per maximal invalid sequence, as `String::from_utf8_lossy`
/// does, counting the bytes of each sequence.
fn replace_invalid(bytes: &[u8]) -> Decoded<String> {
    let mut text = String::with_capacity(bytes.len());
    let mut replaced_bytes = 0;
    for chunk in bytes.utf8_chunks() {
        text.push_str(chunk.valid());
        if !chunk.invalid().is_empty() {
            text.push(char::REPLACEMENT_CHARACTER);
            replaced_bytes += chunk.invalid().len() as u64;
        }
    }
    Decoded {
        text,
        replaced_bytes,
    }
}
