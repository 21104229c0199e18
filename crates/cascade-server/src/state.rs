//! What every handler can reach.

use std::sync::Arc;

use cascade_store::Store;

use crate::config::Settings;

pub struct AppState {
    pub store: Arc<dyn Store>,
    pub settings: Settings,
}
