"""Wire shapes shared by both transports: envelope, authentication, the contract check."""
