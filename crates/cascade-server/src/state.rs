//! What every handler can reach.

use std::sync::Arc;

use cascade_store::Store;

use crate::config::Settings;
use crate::imports::Progress;

pub struct AppState {
    pub store: Arc<dyn Store>,
    pub settings: Settings,
    /// Live progress of the import jobs this process runs.
    pub progress: Arc<Progress>,
}
