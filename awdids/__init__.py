"""awdids: AWD-CNN-LSTM and GP-GAN oversampling for network intrusion detection."""

__version__ = "0.1.0.dev0"
