//! Authentication exchanges: cleartext, MD5, SCRAM-SHA-256 (sans-IO state machines).
//!
//! Nothing here touches a socket or the connection options: the connection
//! engine reads the server's authentication request, hands its payload to
//! these functions and sends back what they return. Error texts are libpq's
//! (fe-auth.c, fe-auth-scram.c), each ending in `\n`, ready to be appended to
//! the connection's error message.

pub mod base64;
pub mod md5;
pub mod oauth;
pub mod saslprep;
pub mod scram;

pub use md5::{md5_encrypt, md5_password_response};
pub use scram::{
    check_binding_offered, choose_mechanism, select_mechanism, ChannelBinding, ChannelBindingMode,
    ScramClient, SCRAM_SHA_256, SCRAM_SHA_256_PLUS,
};
